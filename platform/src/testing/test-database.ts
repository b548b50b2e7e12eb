import { openDatabase, type Database } from '../db/database';
import { dumpFreshDataDir } from '../db/embedded-postgres';
import type { Migration } from '../db/migrate';
import { testEnv } from './test-env';

let template: Promise<Blob> | undefined;

/**
 * A migrated database for one service's tests: a schema in this run's scratch database on the
 * PostgreSQL server when DATABASE_URL is set, otherwise an in-memory embedded PGlite started
 * from an initialised template (initdb runs once per test process, not per test file).
 */
export async function openTestDatabase(schema: string, migrations: Migration[]): Promise<Database> {
  const { MICROPAY_TEST_DATABASE_URL } = testEnv();
  if (MICROPAY_TEST_DATABASE_URL) {
    return openDatabase({ schema, url: MICROPAY_TEST_DATABASE_URL, migrations, poolMax: 10 });
  }
  template ??= dumpFreshDataDir();
  return openDatabase({ schema, embeddedTemplate: await template, migrations });
}

/** True when tests run against a PostgreSQL server rather than embedded PGlite. */
export function usingServerDatabase(): boolean {
  return Boolean(testEnv().MICROPAY_TEST_DATABASE_URL);
}
