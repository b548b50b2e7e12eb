import type { z } from 'zod';
import { loadConfig } from '../config/load-config';
import { createLogger } from '../logging/logger';
import { openDatabase, type DatabaseOptions } from './database';
import { migrate, type Migration } from './migrate';

/** The parts of a service's configuration a migration run needs; every service config has them. */
export interface MigratableConfig {
  service: string;
  log: { level: string };
  database: Omit<DatabaseOptions, 'logger' | 'migrations'>;
}

/**
 * Applies a service's pending migrations and returns their names. It loads the service's whole
 * configuration, so a release whose configuration is wrong fails in its migration hook (the Helm
 * pre-install/pre-upgrade Job), before any pod is replaced.
 */
export async function runMigrationJob(
  configSchema: z.ZodType<MigratableConfig, unknown>,
  migrations: Migration[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const config = loadConfig(configSchema, env);
  const logger = createLogger({ service: config.service, level: config.log.level });
  const db = await openDatabase({ ...config.database, logger });
  try {
    const applied = await migrate(db.knex, db.schema, migrations);
    logger.info({ schema: db.schema, applied }, applied.length ? 'migrations applied' : 'schema up to date');
    return applied;
  } finally {
    await db.close();
  }
}

/** A migration entry point's process: exit 0 when the run succeeds, 1 with the reason on stderr when not. */
export function exitWhenMigrated(service: string, run: Promise<unknown>): void {
  run.then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${service} migrations failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
