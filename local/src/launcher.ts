import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { lockDirectory, peerUrlVariable, SERVICES, TOKEN_ISSUER } from '@micropay/platform';
import { loadOrCreateLocalSecrets, SERVICE_CLIENTS, type LocalSecrets } from './local-secrets';
import { PROCESSES, REPO_ROOT, type LocalConfig, type ProcessName } from './local-config';

export interface RunningPlatform {
  urls: Record<ProcessName, string>;
  /** SIGTERM to every process, then wait (SIGKILL after the timeout). */
  stop(): Promise<void>;
  /** Resolves when any process exits on its own (a crash). */
  exited: Promise<{ name: ProcessName; code: number | null }>;
}

export interface LaunchOptions {
  config: LocalConfig;
  /** Receives every line each process writes (JSON log lines, or anything else on stderr). */
  output: (name: ProcessName, line: string, stream: 'stdout' | 'stderr') => void;
  readyTimeoutMs?: number;
}

/** A service runs from `<name>/src/main.ts`; the gateway is the local stand-in for API Gateway. */
const entryOf = (name: ProcessName) =>
  name === 'gateway' || name === 'sandbox' ? `local/src/${name}/main.ts` : `${name}/src/main.ts`;

/** Node flags every process needs to run the TypeScript sources directly. */
function nodeOptions(existing = ''): string {
  const needed = ['--conditions=@micropay/source', '--import=tsx'];
  return [existing, ...needed.filter((flag) => !existing.includes(flag))].join(' ').trim();
}

/** Each process's environment: the settings a Helm release would give it, pointed at local ports. */
function environments(config: LocalConfig, secrets: LocalSecrets) {
  const url = (name: ProcessName) => `http://127.0.0.1:${config.ports[name]}`;
  const common: Record<string, string> = {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    LOG_LEVEL: config.logLevel,
    MICROPAY_DATA_DIR: config.dataDir,
    AUTH_ISSUER: url('gateway'),
    AUTH_JWKS_URL: `${url(TOKEN_ISSUER)}/.well-known/jwks.json`,
    OAUTH_TOKEN_URL: `${url(TOKEN_ISSUER)}/oauth2/token`,
    AUTH_REVOCATIONS_URL: `${url(TOKEN_ISSUER)}/internal/revocations`,
    ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}),
    ...Object.fromEntries(SERVICES.map((s) => [peerUrlVariable(s.name), url(s.name)])),
  };
  /** Settings only one service has. */
  const own: Record<string, Record<string, string>> = {
    [TOKEN_ISSUER]: {
      OAUTH_CLIENTS: JSON.stringify(
        SERVICE_CLIENTS.map((s) => ({
          client_id: s.name,
          client_secret: secrets.clients[s.name],
          scopes: s.clientScopes,
        })),
      ),
    },
    'payment-service': {
      CARD_FINGERPRINT_SECRET: secrets.cardFingerprintSecret,
      SANDBOX_URL: url('sandbox'),
      SANDBOX_API_KEY: secrets.sandboxApiKey,
      SANDBOX_WEBHOOK_SECRET: secrets.sandboxWebhookSecret,
    },
    sandbox: {
      SANDBOX_API_KEY: secrets.sandboxApiKey,
      SANDBOX_WEBHOOK_SECRET: secrets.sandboxWebhookSecret,
      SANDBOX_WEBHOOK_URL: `${url('payment-service')}/v1/provider-webhooks/sandbox`,
      SANDBOX_PUBLIC_URL: url('gateway'),
      SANDBOX_STATE_FILE: path.join(config.dataDir, 'sandbox', 'state.json'),
    },
    gateway: { SANDBOX_URL: url('sandbox') },
    // A developer receives webhooks on their own machine (localhost); the charts leave this off.
    'notification-service': { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' },
  };
  const env = Object.fromEntries(
    PROCESSES.map((name) => {
      const client = secrets.clients[name];
      const credentials: Record<string, string> = client ? { OAUTH_CLIENT_ID: name, OAUTH_CLIENT_SECRET: client } : {};
      return [name, { ...common, ...credentials, ...own[name], PORT: String(config.ports[name]) }];
    }),
  ) as Record<ProcessName, Record<string, string>>;
  return { env, url };
}

async function waitUntilReady(
  url: string,
  deadline: number,
  exited: Promise<{ name: string; code: number | null }>,
): Promise<void> {
  let crash: { name: string; code: number | null } | undefined;
  void exited.then((e) => (crash = e));
  while (Date.now() < deadline && !crash) {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    crash
      ? `${crash.name} exited with code ${crash.code} during startup (its output is above)`
      : `${url} was not ready in time`,
  );
}

/**
 * Starts every service and the gateway as separate processes, each on its own embedded
 * PostgreSQL under the data directory (or on DATABASE_URL), and waits until all are ready.
 */
export async function startPlatform(options: LaunchOptions): Promise<RunningPlatform> {
  const { config } = options;
  await fs.mkdir(config.dataDir, { recursive: true });
  // A second `npm start` on the same data stops here, before any service opens a database.
  const lock = await lockDirectory(path.join(config.dataDir, 'npm-start.lock'), 'npm start', config.dataDir);
  const secrets = await loadOrCreateLocalSecrets(config.dataDir);
  const { env, url } = environments(config, secrets);
  const children = new Map<ProcessName, ChildProcess>();
  let stopping = false;

  let reportExit!: (value: { name: ProcessName; code: number | null }) => void;
  const exited = new Promise<{ name: ProcessName; code: number | null }>((resolve) => (reportExit = resolve));

  for (const name of PROCESSES) {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, entryOf(name))], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env[name], NODE_OPTIONS: nodeOptions(process.env.NODE_OPTIONS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(name, child);
    for (const stream of ['stdout', 'stderr'] as const) {
      readline.createInterface({ input: child[stream]! }).on('line', (line) => options.output(name, line, stream));
    }
    child.on('exit', (code) => {
      children.delete(name);
      if (!stopping) reportExit({ name, code });
    });
  }

  const stop = async () => {
    stopping = true;
    await stopChildren();
    await lock.release();
  };
  const stopChildren = async () => {
    const running = [...children.values()];
    await Promise.all(
      running.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  try {
    for (const name of PROCESSES) await waitUntilReady(url(name), deadline, exited);
  } catch (error) {
    await stop();
    throw error;
  }
  const urls = Object.fromEntries(PROCESSES.map((n) => [n, url(n)])) as Record<ProcessName, string>;
  return { urls, stop, exited };
}
