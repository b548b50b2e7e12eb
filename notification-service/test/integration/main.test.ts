import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { testEnv } from '@micropay/platform/testing';

/**
 * The composition root as Kubernetes runs it: a real process that starts, serves, and on the
 * SIGTERM a pod gets stops cleanly with exit code 0 (platform's run-service tests cover the
 * in-flight requests; this covers the wiring of the signal itself).
 */
describe('notification-service main as a process', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'notification-main-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('starts, answers /readyz, and on SIGTERM logs "stopped" and exits 0', async function () {
    this.timeout(60_000);
    const child = spawn(
      process.execPath,
      ['--conditions=@micropay/source', '--import', 'tsx', path.resolve(__dirname, '../../src/main.ts')],
      {
        env: {
          PATH: process.env.PATH,
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'info',
          MICROPAY_DATA_DIR: dataDir,
          DATABASE_URL: testEnv().MICROPAY_TEST_DATABASE_URL ?? '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: string[] = [];
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        const entry = JSON.parse(line) as { message?: string; url?: string };
        if (entry.message === 'listening' && entry.url) resolve(entry.url);
      });
      void exited.then((code) => reject(new Error(`exited with ${code} before listening: ${stderr}`)));
    });

    expect((await fetch(`${url}/readyz`)).status).to.equal(200);
    child.kill('SIGTERM');
    expect(await exited, stderr).to.equal(0);
    const messages = lines.map((line) => (JSON.parse(line) as { message: string }).message);
    expect(messages).to.include.members(['shutting down', 'stopped']);
    expect(lines.find((line) => line.includes('shutting down'))).to.contain('SIGTERM');
  });
});
