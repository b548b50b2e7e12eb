import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Migration } from '../db/migrate';
import { testEnv } from './test-env';

const run = promisify(execFile);

export interface MigrationJobSuite {
  service: string;
  schema: string;
  /** The service's `src/migrate.ts`, run as its own process the way the Job runs `dist/migrate.js`. */
  entry: string;
  migrations: Migration[];
  runMigrations(env: NodeJS.ProcessEnv): Promise<string[]>;
  /** Settings the service's configuration requires beyond the database. */
  env?: Record<string, string>;
}

/**
 * The tests every service's migration entry point must pass: what the Kubernetes migration Job
 * runs (`node <service>/dist/migrate.js`) before pods that no longer migrate at start.
 */
export function describeMigrationJob(suite: MigrationJobSuite): void {
  const migrateProcess = (env: NodeJS.ProcessEnv) =>
    run(process.execPath, ['--conditions=@micropay/source', '--import', 'tsx', suite.entry], {
      env: { PATH: process.env.PATH, ...env },
    });

  describe(`${suite.service} migrate entry point (the Helm pre-install/pre-upgrade Job)`, () => {
    let dataDir: string;
    let env: NodeJS.ProcessEnv;

    beforeEach(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), `${suite.service}-migrate-`));
      // CI's second run: this run's scratch database on the PostgreSQL server; else a fresh embedded one.
      env = {
        LOG_LEVEL: 'silent',
        MICROPAY_DATA_DIR: dataDir,
        DATABASE_URL: testEnv().MICROPAY_TEST_DATABASE_URL ?? '',
        ...suite.env,
      };
    });

    afterEach(() => rm(dataDir, { recursive: true, force: true }));

    it(`as a process, applies every migration of the ${suite.schema} schema and exits 0; run again, has nothing left to apply`, async function () {
      this.timeout(60_000);
      const child = await migrateProcess(env);
      expect(child.stderr).to.equal('');
      expect(suite.migrations.length).to.be.greaterThan(0);
      // Had the process missed one, this run would apply it and return its name.
      expect(await suite.runMigrations(env)).to.deep.equal([]);
    });

    it('with a configuration the service would refuse, exits 1 and names the bad key', async function () {
      this.timeout(60_000);
      const failure = await migrateProcess({ ...env, DATABASE_POOL_MAX: 'many' }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).to.equal(1);
      expect(failure?.stderr).to.contain('DATABASE_POOL_MAX');
    });
  });
}
