import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { clientCredentialsTokenSource } from '@micropay/platform';
import {
  call,
  createScratchDatabase,
  testEnv,
  type CallResult,
  type ScratchDatabase,
} from '@micropay/platform/testing';
import { startPlatform, type RestartPolicy, type RunningPlatform } from '../../local/src/launcher';
import { localConfigSchema } from '../../local/src/local-config';
import { eventually, freePorts, type Customer } from '../test/support';

// The suites built on this harness make customers as every e2e test does.
export { newCustomer, type Customer } from '../test/support';

/**
 * The fault-injection harness (docs/operations.md, "Fault-injection suite"): the `npm start`
 * launcher in this process, so a test can freeze and kill its processes by pid, a bounded
 * workload of card payments and transfers through the gateway, and the checks that must hold
 * afterwards whatever was done to the processes.
 */

const CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' };

export interface FaultStack {
  platform: RunningPlatform;
  gateway: string;
  services: Record<string, string>;
  /** The launcher's own lines ("payment-service exited with code 137 (SIGKILL); restarting in …"). */
  notices: string[];
  /** The last lines every process wrote, for a failure report. */
  output: string[];
  serviceToken(clientId: string, scopes: string[]): Promise<string>;
  teardown(): Promise<void>;
}

/**
 * Starts the whole platform with the launcher `npm start` uses, on free ports and a temporary
 * data directory (embedded PostgreSQL), or a scratch database when DATABASE_URL is set.
 */
export async function startFaultStack(
  options: { restart?: Partial<RestartPolicy>; env?: Record<string, string> } = {},
): Promise<FaultStack> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'micropay-faults-'));
  const { DATABASE_URL } = testEnv();
  const scratch: ScratchDatabase | undefined = DATABASE_URL
    ? await createScratchDatabase(DATABASE_URL, 'faults')
    : undefined;
  const ports = Object.fromEntries(Object.entries(await freePorts()).map(([k, v]) => [k, String(v)]));
  const config = localConfigSchema.parse({
    ...ports,
    MICROPAY_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
  });
  // Settings every process inherits from the launcher's environment, restarted ones too (until teardown).
  const saved = { ...process.env };
  Object.assign(process.env, {
    // A frozen service is answered 504 quickly, so clients see the fault instead of waiting.
    GATEWAY_UPSTREAM_TIMEOUT_MS: '3000',
    WEBHOOK_RETRY_SCHEDULE: '1,1,1',
    // An email whose address lookup met a frozen or restarting auth-service is retried within
    // the check's minute (the default schedule waits 5 s, 30 s, then 2 min).
    CHANNEL_RETRY_SCHEDULE: '1,2,4,8,16',
    ...options.env,
  });
  const output: string[] = [];
  const notices: string[] = [];
  let platform: RunningPlatform;
  try {
    platform = await startPlatform({
      config,
      output: (name, line) => {
        output.push(`${name} | ${line}`);
        if (output.length > 400) output.splice(0, output.length - 400);
      },
      notice: (line) => {
        notices.push(line);
        process.stdout.write(`      [npm start] ${line}\n`);
      },
      restart: options.restart,
      readyTimeoutMs: 240_000,
    });
  } catch (error) {
    process.env = saved;
    process.stderr.write(`${output.slice(-60).join('\n')}\n`);
    throw error;
  }
  const gateway = platform.urls.gateway!;
  return {
    platform,
    gateway,
    services: platform.urls,
    notices,
    output,
    async serviceToken(clientId, scopes) {
      const secrets = JSON.parse(await fs.readFile(path.join(dataDir, 'local-secrets.json'), 'utf8')) as {
        clients: Record<string, string>;
      };
      return clientCredentialsTokenSource({
        tokenUrl: `${gateway}/oauth2/token`,
        clientId,
        clientSecret: secrets.clients[clientId] ?? '',
        scopes,
      }).getToken();
    },
    async teardown() {
      await platform.stop();
      process.env = saved;
      await fs.rm(dataDir, { recursive: true, force: true });
      await scratch?.drop();
    },
  };
}

/** What clients saw: every answer by status, and every answer a client must never see. */
export class Outcomes {
  readonly byStatus = new Map<string, number>();
  readonly violations: string[] = [];
  requests = 0;

  record(what: string, res: CallResult | Error): void {
    this.requests += 1;
    if (res instanceof Error) {
      this.count('network error');
      this.violations.push(`${what}: ${res.message}`);
      return;
    }
    this.count(String(res.status));
    const allowed = (res.status >= 200 && res.status < 500) || res.status === 503 || res.status === 504;
    const errorBody =
      res.status < 400 ||
      (typeof res.body === 'object' &&
        typeof res.body?.error?.code === 'string' &&
        typeof res.body?.error?.message === 'string');
    if (!allowed || !errorBody) this.violations.push(`${what}: ${res.status} ${res.text.slice(0, 200)}`);
  }

  private count(key: string): void {
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
  }

  summary(): string {
    const statuses = [...this.byStatus.entries()].sort(([a], [b]) => a.localeCompare(b));
    return `${this.requests} requests: ${statuses.map(([s, n]) => `${s} × ${n}`).join(', ')}`;
  }
}

/** A payment or transfer the platform accepted (2xx), to find in the ledger afterwards. */
export interface Accepted {
  payments: { id: string; wallet: string; amount: number }[];
  transfers: { id: string; from: string; to: string; amount: number }[];
}

/** A retry after a failed POST keeps its Idempotency-Key, as a client that wants it done once must. */
async function postOnce(
  gateway: string,
  path: string,
  token: string,
  body: unknown,
  outcomes: Outcomes,
  shouldStop: () => boolean,
): Promise<CallResult | undefined> {
  const key = randomUUID();
  for (let attempt = 0; attempt < 8; attempt++) {
    const res = await call(gateway, 'POST', path, { token, body, headers: { 'idempotency-key': key } }).catch(
      (error: Error) => error,
    );
    outcomes.record(`POST ${path}`, res);
    if (!(res instanceof Error) && res.status < 500 && res.status !== 409) return res;
    if (shouldStop() && attempt >= 3) return undefined;
    await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
  }
  return undefined;
}

/**
 * Card payments into each wallet and transfers between the wallets, `concurrency` loops at a
 * time, each request bounded, until `stop()`; resolves with what was accepted.
 */
export function runWorkload(
  gateway: string,
  customers: Customer[],
  outcomes: Outcomes,
  concurrency = 4,
): { stop(): Promise<Accepted>; accepted: Accepted } {
  const accepted: Accepted = { payments: [], transfers: [] };
  let stopping = false;
  const loop = async (n: number) => {
    let i = 0;
    while (!stopping) {
      i += 1;
      const who = customers[(n + i) % customers.length]!;
      if (i % 3 === 0) {
        const to = customers[(n + i + 1) % customers.length]!;
        const amount = 1 + ((n * 7 + i) % 50);
        const res = await postOnce(
          gateway,
          '/v1/transfers',
          who.token,
          { from_account: who.wallet, to_account: to.wallet, amount, currency: 'usd' },
          outcomes,
          () => stopping,
        );
        if (res && res.status < 300)
          accepted.transfers.push({ id: res.body.id, from: who.wallet, to: to.wallet, amount });
      } else {
        const amount = 100 + ((n * 13 + i) % 900);
        const res = await postOnce(
          gateway,
          '/v1/payments',
          who.token,
          { method: 'card', amount, currency: 'usd', account: who.wallet, card: CARD },
          outcomes,
          () => stopping,
        );
        if (res && res.status < 300 && res.body.status === 'succeeded')
          accepted.payments.push({ id: res.body.id, wallet: who.wallet, amount });
      }
    }
  };
  const loops = Array.from({ length: concurrency }, (_, n) => loop(n));
  return {
    accepted,
    async stop() {
      stopping = true;
      await Promise.all(loops);
      return accepted;
    },
  };
}

/** Every item of a list route, following `starting_after`. */
export async function listAll<T extends { id: string }>(gateway: string, path: string, token: string): Promise<T[]> {
  const items: T[] = [];
  let after: string | undefined;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await call(gateway, 'GET', `${path}${sep}limit=100${after ? `&starting_after=${after}` : ''}`, {
      token,
    });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.text}`);
    items.push(...(res.body.data as T[]));
    if (!res.body.has_more) return items;
    after = items[items.length - 1]!.id;
  }
}

/** Resolves with how long (ms) until the process answers /readyz again. */
export async function timeToReady(url: string, since: number, timeoutMs = 120_000): Promise<number> {
  await eventually(async () => {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
    return res?.ok ? true : undefined;
  }, timeoutMs);
  return Date.now() - since;
}

interface Payment {
  id: string;
  status: string;
  amount: number;
  account: string;
}
interface Transfer {
  id: string;
  from_account: string;
  to_account: string;
  amount: number;
  status: string;
  metadata?: Record<string, string>;
}
interface Notification {
  id: string;
  type: string;
  channel: string;
  data: { payment?: string };
}

/** Every succeeded payment gets one of each: the in-app notification and the email receipt. */
const PAYMENT_CHANNELS = ['in_app', 'email'];

/**
 * What must hold after any fault: every accepted payment succeeded and is credited exactly once
 * (one ledger transfer into its wallet), every accepted transfer is posted, each wallet's balance
 * is what its history says, the ledger verifies, and each succeeded payment has one notification.
 * Returns the problems found (empty when all is well).
 */
export async function checkInvariants(
  stack: FaultStack,
  customers: Customer[],
  accepted: Accepted,
): Promise<{ problems: string[]; figures: Record<string, number> }> {
  const problems: string[] = [];
  const { gateway } = stack;
  const byToken = new Map(customers.map((c) => [c.wallet, c]));
  // Requests the clients gave up on may still finish (recovery jobs): wait until nothing is in flight.
  const payments = new Map<string, Payment[]>();
  for (const c of customers) {
    payments.set(
      c.wallet,
      await eventually(async () => {
        const all = await listAll<Payment>(gateway, '/v1/payments', c.token);
        return all.every((p) => ['succeeded', 'failed', 'canceled'].includes(p.status)) ? all : undefined;
      }, 120_000),
    );
  }
  let credited = 0;
  for (const c of customers) {
    const own = payments.get(c.wallet)!;
    const history = await listAll<Transfer>(gateway, `/v1/accounts/${c.wallet}/transfers`, c.token);
    const succeeded = own.filter((p) => p.status === 'succeeded');
    const ids = new Set(own.map((p) => p.id));
    for (const a of accepted.payments.filter((p) => p.wallet === c.wallet)) {
      const p = own.find((x) => x.id === a.id);
      if (!p || p.status !== 'succeeded') problems.push(`accepted payment ${a.id} is ${p?.status ?? 'missing'}`);
    }
    // Credits from outside the customer's wallets are payment credits: one per succeeded payment, same total.
    const inbound = history.filter((t) => t.to_account === c.wallet && !byToken.has(t.from_account));
    const expected = succeeded.reduce((sum, p) => sum + p.amount, 0);
    const got = inbound.reduce((sum, t) => sum + t.amount, 0);
    if (inbound.length !== succeeded.length || got !== expected)
      problems.push(
        `wallet ${c.wallet}: ${succeeded.length} succeeded payments (${expected}) but ${inbound.length} credits (${got})`,
      );
    credited += inbound.length;
    for (const t of accepted.transfers.filter((x) => x.from === c.wallet)) {
      const found = history.find((h) => h.id === t.id);
      if (!found || found.status !== 'posted')
        problems.push(`accepted transfer ${t.id} is ${found?.status ?? 'missing'}`);
    }
    const balance = history.reduce(
      (sum, t) => (t.status !== 'posted' ? sum : sum + (t.to_account === c.wallet ? t.amount : -t.amount)),
      0,
    );
    const account = await call(gateway, 'GET', `/v1/accounts/${c.wallet}`, { token: c.token });
    if (account.body.balance !== balance)
      problems.push(`wallet ${c.wallet}: balance ${account.body.balance}, history says ${balance}`);
    // One notification per succeeded payment and channel: none lost, none twice.
    const expectedCount = succeeded.length * PAYMENT_CHANNELS.length;
    // A send claimed by the notification-service just killed waits for its lease to end (about
    // 70 s, ADR 0007) before another attempt, so the wait is longer than that. On timeout the
    // last list seen is checked, so the problems name what is missing.
    let seen: Notification[] = [];
    const notified = await eventually(async () => {
      const all = await listAll<Notification>(gateway, '/v1/notifications', c.token);
      seen = all.filter((n) => n.type === 'payment.succeeded');
      return seen.length >= expectedCount ? seen : undefined;
    }, 120_000).catch(() => seen);
    const counts = new Map<string, number>();
    const key = (payment: string, channel: string) => `${payment} ${channel}`;
    for (const n of notified) {
      const k = key(n.data.payment ?? '', n.channel);
      counts.set(k, (counts.get(k) ?? 0) + 1);
      if (!ids.has(n.data.payment ?? '')) problems.push(`notification for an unknown payment ${n.data.payment}`);
    }
    for (const p of succeeded)
      for (const channel of PAYMENT_CHANNELS) {
        const n = counts.get(key(p.id, channel)) ?? 0;
        if (n !== 1) problems.push(`payment ${p.id}: ${n} payment.succeeded notifications on ${channel}`);
      }
  }
  const auditor = await stack.serviceToken('payment-service', ['ledger:read']);
  const verify = await call(gateway, 'GET', '/v1/ledger/verify', { token: auditor });
  if (verify.status !== 200 || verify.body.ok !== true)
    problems.push(`ledger verify: ${verify.status} ${JSON.stringify(verify.body).slice(0, 500)}`);
  return {
    problems,
    figures: {
      'accepted payments': accepted.payments.length,
      'accepted transfers': accepted.transfers.length,
      'payment credits in the ledger': credited,
    },
  };
}
