import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { lockDirectory, startEmbeddedPostgres } from '../../src';

describe('the embedded data directory is locked', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'micropay-lock-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('refuses a second open of the same directory, naming the process, before opening the database', async () => {
    const dataDir = path.join(dir, 'payment-service');
    const first = await startEmbeddedPostgres({ dataDir });
    try {
      const error = await startEmbeddedPostgres({ dataDir }).catch((e: Error) => e);
      expect(String(error)).to.contain(`in use by process ${process.pid}`);
    } finally {
      await first.stop();
    }
    // Released on stop: the directory opens again, with its data.
    const again = await startEmbeddedPostgres({ dataDir });
    await again.stop();
  });

  it('refuses while another live process holds the lock, and takes over a lock whose process is gone', async () => {
    const lockFile = path.join(dir, 'npm-start.lock');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await fs.writeFile(lockFile, JSON.stringify({ pid: other.pid, owner: 'npm start', since: 'earlier' }));
      const error = await lockDirectory(lockFile, 'npm start', dir).catch((e: Error) => e);
      expect(String(error)).to.contain(`in use by process ${other.pid} (npm start`);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    const lock = await lockDirectory(lockFile, 'npm start', dir); // stale now: taken over
    expect(JSON.parse(await fs.readFile(lockFile, 'utf8')).pid).to.equal(process.pid);
    await lock.release();
    await fs.access(lockFile).then(
      () => expect.fail('the lock file is still there'),
      () => undefined,
    );
  });

  it('says what to do when the directory is damaged, not a WebAssembly stack trace', async () => {
    const dataDir = path.join(dir, 'broken');
    await fs.mkdir(dataDir);
    await fs.writeFile(path.join(dataDir, 'PG_VERSION'), 'not a version\n');
    await fs.mkdir(path.join(dataDir, 'base'));
    const error = await startEmbeddedPostgres({ dataDir }).catch((e: Error) => e);
    expect(String((error as Error).message)).to.contain('move the directory aside');
    // The failed open released the lock.
    await fs.access(`${dataDir}.lock`).then(
      () => expect.fail('lock left behind'),
      () => undefined,
    );
  });
});
