import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import getPort from 'get-port';
import { loadConfig } from '@micropay/platform';
import { createScratchDatabase, testEnv, type ScratchDatabase } from '@micropay/platform/testing';
import { startPlatform, type RunningPlatform } from '@micropay/local/launcher';
import { localConfigSchema, type LocalConfig } from '@micropay/local/local-config';

export interface E2eStack {
  config: LocalConfig;
  platform: RunningPlatform;
  logs: string[];
  gateway: string;
  restart(): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * The whole platform as `npm start` runs it, but on free ports and a temporary data directory
 * (or a fresh database on the PostgreSQL server when DATABASE_URL is set), so it never meets a
 * developer's running stack or data.
 */
export async function startE2eStack(): Promise<E2eStack> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'micropay-e2e-'));
  const { DATABASE_URL } = testEnv();
  const scratch: ScratchDatabase | undefined = DATABASE_URL ? await createScratchDatabase(DATABASE_URL, 'e2e') : undefined;
  const config = loadConfig(localConfigSchema, {
    MICROPAY_DATA_DIR: dataDir,
    GATEWAY_PORT: String(await getPort()),
    AUTH_SERVICE_PORT: String(await getPort()),
    TRANSACTION_SERVICE_PORT: String(await getPort()),
    PAYMENT_SERVICE_PORT: String(await getPort()),
    NOTIFICATION_SERVICE_PORT: String(await getPort()),
    LOG_LEVEL: 'info',
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
  });
  const logs: string[] = [];
  const launch = () => startPlatform({ config, output: (name, line) => void logs.push(`${name} | ${line}`) });
  const stack: E2eStack = {
    config,
    logs,
    platform: await launch(),
    gateway: '',
    async restart() {
      await stack.platform.stop();
      stack.platform = await launch();
    },
    async teardown() {
      await stack.platform.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
      await scratch?.drop();
    },
  };
  stack.gateway = stack.platform.urls.gateway;
  return stack;
}

/** Polls until `check` returns a value (events are asynchronous by design). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}
