import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import getPort, { portNumbers } from 'get-port';
import { clientCredentialsTokenSource } from '@micropay/platform';
import { call, createScratchDatabase, testEnv, type ScratchDatabase } from '@micropay/platform/testing';
import { PROCESSES, portVariable } from '../../local/src/local-config';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface E2eStack {
  gateway: string;
  /** Each service's own port, behind the gateway (what a process inside the network reaches). */
  services: Record<string, string>;
  /** Everything `npm start` printed, for failure reports. */
  output: string[];
  /** MICROPAY_DATA_DIR of the stack (emails land in its mail/ folder). */
  dataDir: string;
  /** A client-credentials token of one of the stack's service clients, from its own secrets file. */
  serviceToken(clientId: string, scopes: string[]): Promise<string>;
  /** Ctrl-C, then `npm start` again on the same data. */
  restart(): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * A free port: any (get-port), or inside E2E_PORT_RANGE ("32000-32099") when it is set, so
 * engineers sharing a machine keep their stacks apart.
 */
export async function freePort(): Promise<number> {
  const range = /^(\d+)-(\d+)$/.exec(process.env.E2E_PORT_RANGE ?? '');
  return range ? getPort({ port: portNumbers(Number(range[1]), Number(range[2])) }) : getPort();
}

/** A distinct free port for every process `npm start` runs, keyed by its port variable. */
export async function freePorts(): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  for (const name of PROCESSES) {
    let port = await freePort();
    while (Object.values(ports).includes(port)) port = await freePort();
    ports[portVariable(name)] = port;
  }
  return ports;
}

/**
 * The README's `npm start`, run as a user runs it, on free ports and a temporary data
 * directory (or a fresh database on the PostgreSQL server when DATABASE_URL is set), so it
 * never meets a developer's running stack or data. Stopping sends SIGINT to the whole process
 * group, as Ctrl-C in a terminal does.
 */
export async function startE2eStack(): Promise<E2eStack> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'micropay-e2e-'));
  const { DATABASE_URL } = testEnv();
  const scratch: ScratchDatabase | undefined = DATABASE_URL
    ? await createScratchDatabase(DATABASE_URL, 'e2e')
    : undefined;
  const ports = await freePorts();
  const env = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    MICROPAY_DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
    // Webhook retries in seconds, so a journey sees its retries (npm start passes it to notification-service).
    WEBHOOK_RETRY_SCHEDULE: '1,1,1',
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
  };
  const output: string[] = [];
  let child: ChildProcess;

  const start = async () => {
    child = spawn('npm', ['start'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = readline.createInterface({ input: child.stdout! });
    readline.createInterface({ input: child.stderr! }).on('line', (line) => output.push(`stderr | ${line}`));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('npm start was not ready within 180 s')), 180_000);
      lines.on('line', (line) => {
        output.push(line);
        if (line.startsWith('MicroPay is running.')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited with code ${code} before it was ready`));
      });
    });
  };

  /**
   * Ctrl-C: SIGINT to the process group. Resolves once every process is gone (the pipes close
   * only when the launcher, which holds them, has exited) with how npm ended.
   */
  const interrupt = () =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve({ code: child.exitCode, signal: child.signalCode });
        return;
      }
      child.once('close', (code, signal) => resolve({ code, signal }));
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        // the group is already gone
      }
    });

  await start();
  return {
    dataDir,
    gateway: `http://127.0.0.1:${ports[portVariable('gateway')]}`,
    services: Object.fromEntries(
      PROCESSES.filter((name) => name !== 'gateway').map((name) => [
        name,
        `http://127.0.0.1:${ports[portVariable(name)]}`,
      ]),
    ),
    output,
    async serviceToken(clientId, scopes) {
      const secrets = JSON.parse(await fs.readFile(path.join(dataDir, 'local-secrets.json'), 'utf8')) as {
        clients: Record<string, string>;
      };
      const tokenUrl = `http://127.0.0.1:${ports[portVariable('gateway')]}/oauth2/token`;
      return clientCredentialsTokenSource({
        tokenUrl,
        clientId,
        clientSecret: secrets.clients[clientId] ?? '',
        scopes,
      }).getToken();
    },
    async restart() {
      const { code, signal } = await interrupt();
      // npm re-raises the SIGINT it received; the launcher itself must have stopped cleanly.
      if (code !== 0 && signal !== 'SIGINT')
        throw new Error(`npm start ended with code ${code}, signal ${signal} on Ctrl-C`);
      if (!output.includes('Stopped.')) throw new Error('npm start did not report a clean stop');
      await start();
    },
    async teardown() {
      await interrupt();
      await fs.rm(dataDir, { recursive: true, force: true });
      await scratch?.drop();
    },
  };
}

/**
 * Polls until `check` returns a value (events are asynchronous by design). A check that throws
 * is tried again (a service may be restarting); the last error is reported at the deadline.
 */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in time${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts the platform with `npm start` before the enclosing describe's tests and stops it after
 * them, printing the launcher's last lines when a test fails. Returns the running stack.
 */
export function useE2eStack(): () => E2eStack {
  let stack: E2eStack | undefined;
  before(async function () {
    this.timeout(240_000);
    stack = await startE2eStack();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed')
      process.stderr.write(`--- last lines of npm start ---\n${stack?.output.slice(-60).join('\n')}\n`);
  });
  after(async function () {
    this.timeout(60_000);
    await stack?.teardown();
  });
  return () => {
    if (!stack) throw new Error('the e2e stack did not start');
    return stack;
  };
}

export const PASSWORD = 'correct horse battery';
export const TEST_CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' };

export interface Customer {
  email: string;
  token: string;
  wallet: string;
}

/** A new user, registered and logged in through the gateway, with a wallet of its own: each test makes its own. */
export async function newCustomer(stack: { gateway: string }, label: string, currency = 'usd'): Promise<Customer> {
  const email = `${label}.${randomUUID()}@example.com`;
  const registered = await call(stack.gateway, 'POST', '/v1/auth/register', { body: { email, password: PASSWORD } });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
  const login = await call(stack.gateway, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  const token = login.body.access_token as string;
  const wallet = await call(stack.gateway, 'POST', '/v1/accounts', { token, body: { currency } });
  if (wallet.status !== 201) throw new Error(`opening a wallet answered ${wallet.status}`);
  return { email, token, wallet: wallet.body.id as string };
}

/** A card payment into the customer's wallet through the gateway. */
export function payByCard(stack: E2eStack, who: Customer, amount: number, idempotencyKey: string = randomUUID()) {
  return call(stack.gateway, 'POST', '/v1/payments', {
    token: who.token,
    body: { method: 'card', amount, currency: 'usd', account: who.wallet, card: TEST_CARD },
    headers: { 'idempotency-key': idempotencyKey },
  });
}
