import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { lockDirectory, peerUrlVariable, SERVICES, TOKEN_ISSUER } from '@micropay/platform';
import { loadOrCreateLocalSecrets, SERVICE_CLIENTS, type LocalSecrets } from './local-secrets';
import { PROCESSES, REPO_ROOT, type LocalConfig, type ProcessName } from './local-config';

export interface RunningPlatform {
  urls: Record<ProcessName, string>;
  /** SIGTERM to every process, then wait (SIGKILL after the timeout). */
  stop(): Promise<void>;
  /** The process id of each running process (undefined while one is being restarted). */
  pid(name: ProcessName): number | undefined;
}

export interface LaunchOptions {
  config: LocalConfig;
  /** Receives every line each process writes (JSON log lines, or anything else on stderr). */
  output: (name: ProcessName, line: string, stream: 'stdout' | 'stderr') => void;
  /** The launcher's own lines: a process that exited and when it is restarted. */
  notice?: (line: string) => void;
  readyTimeoutMs?: number;
  restart?: Partial<RestartPolicy>;
}

/**
 * After start-up, a process that exits on its own is started again after `initialDelayMs`,
 * doubling up to `maxDelayMs`; once it has stayed up `resetAfterMs` the delay starts over.
 */
export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  resetAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, resetAfterMs: 60_000 };

/** The delay before restart number `attempt` (1-based). */
export const restartDelayMs = (policy: RestartPolicy, attempt: number) =>
  Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));

/** How an exit reads: a signal is given as the shell's code for it too (SIGKILL: 137). */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) {
    const number = os.constants.signals[signal];
    return number ? `exited with code ${128 + number} (${signal})` : `was stopped by ${signal}`;
  }
  return `exited with code ${code}`;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

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
      SANDBOX_STATE_FILE: path.join(config.dataDir, 'sandbox', 'state.jsonl'),
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

async function waitUntilReady(url: string, deadline: number, crashed: () => string | undefined): Promise<void> {
  while (Date.now() < deadline) {
    const crash = crashed();
    if (crash) throw new Error(`${crash} during startup (its output is above)`);
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} was not ready in time`);
}

/**
 * Starts every service and the gateway as separate processes, each on its own embedded
 * PostgreSQL under the data directory (or on DATABASE_URL), and waits until all are ready.
 */
export async function startPlatform(options: LaunchOptions): Promise<RunningPlatform> {
  const { config } = options;
  const policy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
  const notice = options.notice ?? ((line: string) => process.stdout.write(`${line}\n`));
  await fs.mkdir(config.dataDir, { recursive: true });
  // A second `npm start` on the same data stops here, before any service opens a database.
  const lock = await lockDirectory(path.join(config.dataDir, 'npm-start.lock'), 'npm start', config.dataDir);
  const secrets = await loadOrCreateLocalSecrets(config.dataDir);
  const { env, url } = environments(config, secrets);
  const children = new Map<ProcessName, ChildProcess>();
  const restartTimers = new Map<ProcessName, NodeJS.Timeout>();
  let stopping = false;
  let started = false;
  let startupCrash: string | undefined;

  const spawnProcess = (name: ProcessName, attempt: number) => {
    // Node refuses --cpu-prof in NODE_OPTIONS, so a profile is asked for on the command line:
    // one folder per process and start, holding a profile per thread (the main one is the largest).
    const profile = config.cpuProfileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(config.cpuProfileDir, `${name}-${attempt}`)}`]
      : [];
    const child = spawn(process.execPath, [...profile, path.join(REPO_ROOT, entryOf(name))], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env[name], NODE_OPTIONS: nodeOptions(process.env.NODE_OPTIONS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const startedAt = Date.now();
    children.set(name, child);
    for (const stream of ['stdout', 'stderr'] as const) {
      readline.createInterface({ input: child[stream]! }).on('line', (line) => options.output(name, line, stream));
    }
    child.on('exit', (code, signal) => {
      if (children.get(name) === child) children.delete(name);
      if (stopping) return;
      const how = `${name} ${describeExit(code, signal)}`;
      if (!started) {
        // A process that cannot start (bad config, a locked or damaged directory) would only fail again.
        startupCrash ??= how;
        return;
      }
      // Stayed up a while: this is a new failure, not the same one again.
      const next = Date.now() - startedAt >= policy.resetAfterMs ? 1 : attempt + 1;
      const delay = restartDelayMs(policy, next);
      notice(`${how}; restarting in ${seconds(delay)} (attempt ${next})`);
      restartTimers.set(
        name,
        setTimeout(() => {
          restartTimers.delete(name);
          if (!stopping) spawnProcess(name, next);
        }, delay),
      );
    });
  };

  for (const name of PROCESSES) spawnProcess(name, 0);

  const stop = async () => {
    stopping = true;
    for (const timer of restartTimers.values()) clearTimeout(timer);
    restartTimers.clear();
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
            // A process stopped with SIGSTOP would never see the SIGTERM.
            child.kill('SIGCONT');
            child.kill('SIGTERM');
          }),
      ),
    );
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  try {
    for (const name of PROCESSES) await waitUntilReady(url(name), deadline, () => startupCrash);
  } catch (error) {
    await stop();
    throw error;
  }
  started = true;
  const urls = Object.fromEntries(PROCESSES.map((n) => [n, url(n)])) as Record<ProcessName, string>;
  return { urls, stop, pid: (name) => children.get(name)?.pid };
}
