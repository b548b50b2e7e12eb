import { createScratchDatabase, type ScratchDatabase } from './server-database';
import { testEnv } from './test-env';

let scratch: ScratchDatabase | undefined;

/**
 * Loaded by .mocharc: with DATABASE_URL pointing at a PostgreSQL server, the whole run gets its
 * own fresh database (dropped afterwards); without it, each test database is an embedded PGlite.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    const { DATABASE_URL } = testEnv();
    if (!DATABASE_URL) return;
    this.timeout(30_000);
    scratch = await createScratchDatabase(DATABASE_URL, 'test');
    process.env.MICROPAY_TEST_DATABASE_URL = scratch.url;
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await scratch?.drop();
  },
};
