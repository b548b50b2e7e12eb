import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createScratchDatabase, FakeCloudMap, testEnv, type ScratchDatabase } from '@micropay/platform/testing';
import { REPO_ROOT } from '../src/local-config';

async function until(what: string, condition: () => boolean, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (exited()) throw new Error(`the service exited before ${what}`);
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Cloud Map registration of a real service process', function () {
  this.timeout(120_000);
  let fake: FakeCloudMap;
  let dataDir: string;
  let scratch: ScratchDatabase | undefined;
  beforeEach(async () => {
    fake = await FakeCloudMap.start({ services: ['notification-service'] });
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'micropay-cloud-map-'));
    const { DATABASE_URL } = testEnv();
    scratch = DATABASE_URL ? await createScratchDatabase(DATABASE_URL, 'cloudmap') : undefined;
  });
  afterEach(async () => {
    await fake.close();
    await scratch?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('registers on start, reports readiness, and deregisters on SIGTERM while it still serves', async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'notification-service/src/main.ts')], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_OPTIONS: '--conditions=@micropay/source --import=tsx',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'warn',
        MICROPAY_DATA_DIR: dataDir,
        ...(scratch ? { DATABASE_URL: scratch.url } : {}),
        CLOUD_MAP_NAMESPACE: fake.namespace.name,
        CLOUD_MAP_SERVICE: 'notification-service',
        CLOUD_MAP_HEALTH_INTERVAL_MS: '200',
        AWS_ENDPOINT_URL_SERVICEDISCOVERY: fake.url,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        POD_IP: '127.0.0.1',
        POD_NAME: 'notification-service-7c9d-x1',
        SERVICE_VERSION: '9.9.9',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const gone = () => child.exitCode !== null;
    try {
      await until('it reported itself healthy', () => fake.count('UpdateInstanceCustomHealthStatus') > 0, gone);
      const [instance] = fake.instances('notification-service');
      expect(instance).to.deep.include({ id: 'notification-service-7c9d-x1', health: 'HEALTHY' });
      expect(instance!.attributes).to.include({ AWS_INSTANCE_IPV4: '127.0.0.1', version: '9.9.9' });
      const url = `http://127.0.0.1:${instance!.attributes.AWS_INSTANCE_PORT}`;
      expect((await fetch(`${url}/readyz`)).status).to.equal(200);

      let servingWhileDeregistering: boolean | undefined;
      fake.onDeregister = async () => {
        servingWhileDeregistering = await fetch(`${url}/livez`).then(
          (r) => r.ok,
          () => false,
        );
      };
      child.kill('SIGTERM');
      expect(await exit, stderr).to.equal(0);
      expect(fake.instances('notification-service')).to.deep.equal([]);
      expect(servingWhileDeregistering).to.equal(true);
    } finally {
      if (!gone()) child.kill('SIGKILL');
    }
  });
});
