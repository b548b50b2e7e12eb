import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { testEnv } from '@micropay/platform/testing';
import { migrations } from '../../src/data/migrations';
import { runMigrations } from '../../src/migrate';

const run = promisify(execFile);
const ENTRY = path.resolve(__dirname, '../../src/migrate.ts');
const migrateProcess = (env: NodeJS.ProcessEnv) =>
  run(process.execPath, ['--conditions=@micropay/source', '--import', 'tsx', ENTRY], { env: { PATH: process.env.PATH, ...env } });

/** What the Kubernetes migration Job runs (node auth-service/dist/migrate.js) before pods that no longer migrate at start. */
describe('auth-service migrate entry point (the Helm pre-install/pre-upgrade Job)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'auth-service-migrate-'));
    // CI's second run: this run's scratch database on the PostgreSQL server; else a fresh embedded one.
    env = {
      LOG_LEVEL: 'silent',
      MICROPAY_DATA_DIR: dataDir,
      DATABASE_URL: testEnv().MICROPAY_TEST_DATABASE_URL ?? '',
    };
  });

  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('as a process, applies every migration of the auth schema and exits 0; run again, has nothing left to apply', async function () {
    this.timeout(60_000);
    const child = await migrateProcess(env);
    expect(child.stderr).to.equal('');
    expect(migrations).to.not.be.empty;
    // Had the process missed one, this run would apply it and return its name.
    expect(await runMigrations(env)).to.deep.equal([]);
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
