import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { loadOrCreateLocalSecrets, CLIENT_SCOPES } from './local-secrets';
import { REPO_ROOT, type LocalConfig } from './local-config';

export const SERVICES = ['auth-service', 'transaction-service', 'payment-service', 'notification-service'] as const;
type ProcessName = (typeof SERVICES)[number] | 'gateway';

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

const ENTRY: Record<ProcessName, string> = {
  'auth-service': 'auth-service/src/main.ts',
  'transaction-service': 'transaction-service/src/main.ts',
  'payment-service': 'payment-service/src/main.ts',
  'notification-service': 'notification-service/src/main.ts',
  gateway: 'local/src/gateway/main.ts',
};

/** Node flags every process needs to run the TypeScript sources directly. */
function nodeOptions(existing = ''): string {
  const needed = ['--conditions=@micropay/source', '--import=tsx'];
  return [existing, ...needed.filter((flag) => !existing.includes(flag))].join(' ').trim();
}

function environments(config: LocalConfig, secrets: Awaited<ReturnType<typeof loadOrCreateLocalSecrets>>) {
  const url = (name: ProcessName) => `http://127.0.0.1:${config.ports[name]}`;
  const peers = {
    AUTH_SERVICE_URL: url('auth-service'),
    TRANSACTION_SERVICE_URL: url('transaction-service'),
    PAYMENT_SERVICE_URL: url('payment-service'),
    NOTIFICATION_SERVICE_URL: url('notification-service'),
  };
  const common = {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    LOG_LEVEL: config.logLevel,
    MICROPAY_DATA_DIR: config.dataDir,
    AUTH_ISSUER: url('gateway'),
    AUTH_JWKS_URL: `${url('auth-service')}/.well-known/jwks.json`,
    OAUTH_TOKEN_URL: `${url('auth-service')}/oauth2/token`,
    ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}),
    ...peers,
  };
  const client = (id: string) => ({ OAUTH_CLIENT_ID: id, OAUTH_CLIENT_SECRET: secrets.clients[id] as string });
  const env: Record<ProcessName, Record<string, string>> = {
    'auth-service': {
      ...common,
      PORT: String(config.ports['auth-service']),
      OAUTH_CLIENTS: JSON.stringify(
        Object.entries(CLIENT_SCOPES).map(([id, scopes]) => ({
          client_id: id,
          client_secret: secrets.clients[id],
          scopes,
        })),
      ),
    },
    'transaction-service': { ...common, PORT: String(config.ports['transaction-service']) },
    'payment-service': {
      ...common,
      ...client('payment-service'),
      PORT: String(config.ports['payment-service']),
      CARD_FINGERPRINT_SECRET: secrets.cardFingerprintSecret,
      EVENT_SUBSCRIBERS: 'notification-service',
    },
    'notification-service': { ...common, PORT: String(config.ports['notification-service']) },
    gateway: { ...common, PORT: String(config.ports.gateway) },
  };
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
 * Starts the four services and the gateway as separate processes, each on its own embedded
 * PostgreSQL under the data directory (or on DATABASE_URL), and waits until all are ready.
 */
export async function startPlatform(options: LaunchOptions): Promise<RunningPlatform> {
  const { config } = options;
  const secrets = await loadOrCreateLocalSecrets(config.dataDir);
  const { env, url } = environments(config, secrets);
  const children = new Map<ProcessName, ChildProcess>();
  let stopping = false;

  let reportExit!: (value: { name: ProcessName; code: number | null }) => void;
  const exited = new Promise<{ name: ProcessName; code: number | null }>((resolve) => (reportExit = resolve));

  for (const name of [...SERVICES, 'gateway'] as ProcessName[]) {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, ENTRY[name])], {
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
    for (const name of [...SERVICES, 'gateway'] as ProcessName[]) await waitUntilReady(url(name), deadline, exited);
  } catch (error) {
    await stop();
    throw error;
  }
  const urls = Object.fromEntries([...SERVICES, 'gateway'].map((n) => [n, url(n as ProcessName)])) as Record<
    ProcessName,
    string
  >;
  return { urls, stop, exited };
}
