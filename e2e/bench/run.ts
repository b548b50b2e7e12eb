/**
 * `npm run bench` (a script, never a test): starts the platform as `npm start` starts it
 * (embedded PGlite, or a fresh micropay_bench_* database on the DATABASE_URL server, dropped
 * afterwards) and, in the same run, measures
 *  - the machine's ceilings: an Express hello-world on the same Node (own process), and the
 *    transfer-shaped SQL transaction (pgbench, or a raw loop on PGlite);
 *  - each workload through the gateway: throughput, latency percentiles, errors by status, CPU
 *    seconds and peak RSS per process, the ratio to its ceiling (and, on the server, the
 *    database's commits and tuples per operation);
 *  - transfers and card payments again with 10,000 and 1,000,000 transfers of history;
 *  - correctness after every phase: the ledger verifies, each wallet equals its succeeded
 *    payments minus refunds, no payment is left processing.
 * Prints a table and writes e2e/bench/results/<date>-<database>.json and .svg. docs/performance.md
 * explains how to read them.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import getPort from 'get-port';
import pg from 'pg';
import { z } from 'zod';
import { env, loadConfigOrExit } from '@micropay/platform';
import { createScratchDatabase, type ScratchDatabase } from '@micropay/platform/testing';
import { startPlatform, type RunningPlatform } from '../../local/src/launcher';
import { localConfigSchema, portVariable, PROCESSES, REPO_ROOT } from '../../local/src/local-config';
import { pgliteCeiling, serverCeiling, startHelloWorld, type SqlCeiling } from './lib/ceilings';
import { Client, expectStatus, type Answer, operationsCounted, runLoad, StepFailed, type LoadResult } from './lib/load';
import { childProcesses, quiesce, watchProcesses, type ProcessUsage } from './lib/process-stats';
import { renderPlot } from './lib/plot';
import { seedPglite, seedServer } from './lib/seed';

const WORKLOADS = ['card', 'card-1', 'card-manual', 'pix', 'transfer', 'transfer-hot', 'login', 'token'] as const;
type Workload = (typeof WORKLOADS)[number];

const bench = loadConfigOrExit(
  z.object({
    DATABASE_URL: env.postgresUrl().optional(),
    BENCH_SECONDS: env.int(10, 1),
    BENCH_WARMUP_SECONDS: env.int(2, 0),
    BENCH_CONNECTIONS: env.int(32, 1),
    BENCH_WORKLOADS: z
      .string()
      .default(WORKLOADS.join(','))
      .transform((s) =>
        s
          .split(',')
          .map((w) => w.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(WORKLOADS))),
    /** Transfers of history for the scale runs; `0` to skip them (an empty variable counts as unset). */
    BENCH_HISTORY: z.string().optional(),
    BENCH_HELLO_PORT: env.port(0),
    BENCH_OUT: z.string().default(path.join(__dirname, 'results')),
  }),
);
const CONNECTIONS = bench.BENCH_CONNECTIONS;
const server = Boolean(bench.DATABASE_URL);
const history = (bench.BENCH_HISTORY ?? '10000,1000000')
  .split(',')
  .map((n) => Number(n.trim().replace(/_/g, '')))
  .filter((n) => n > 0);

const out = (line = '') => process.stdout.write(`${line}\n`);

const CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' };
const PASSWORD = 'bench passphrase 42';
const ENTRIES: Record<string, string> = Object.fromEntries(
  PROCESSES.map((name) => [
    name,
    name === 'gateway' || name === 'sandbox' ? `local/src/${name}/main.ts` : `${name}/src/main.ts`,
  ]),
);

interface User {
  email: string;
  token: string;
  usd: string;
  brl: string;
}

interface Row {
  workload: string;
  phase: string;
  load: LoadResult;
  ceiling: 'hello-world' | 'sql' | null;
  ratio: number | null;
  processes: Record<string, ProcessUsage>;
  /** Seconds after the load until every service was idle again (its CPU is counted in `processes`). */
  drainSeconds?: number;
  database?: Record<string, number>;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const scratch: ScratchDatabase | undefined = bench.DATABASE_URL
    ? await createScratchDatabase(bench.DATABASE_URL, 'bench')
    : undefined;
  const dataDir = await fs.mkdtemp(path.join(REPO_ROOT, '.micropay-bench-'));
  // The platform exactly as `npm start` configures it, on free ports unless the caller chose them.
  const ports: Record<string, string> = {};
  for (const name of PROCESSES) ports[portVariable(name)] = process.env[portVariable(name)] ?? String(await getPort());
  Object.assign(process.env, {
    // Login and token workloads send thousands of /v1/auth requests from one IP: lift the per-IP limit.
    AUTH_RATE_LIMIT_MAX: process.env.AUTH_RATE_LIMIT_MAX ?? '1000000000',
    // Tokens outlive the run, so no refresh happens mid-measurement.
    ACCESS_TOKEN_TTL_SECONDS: process.env.ACCESS_TOKEN_TTL_SECONDS ?? '14400',
    CLIENT_TOKEN_TTL_SECONDS: process.env.CLIENT_TOKEN_TTL_SECONDS ?? '14400',
  });
  const localConfig = localConfigSchema.parse({
    ...process.env,
    ...ports,
    MICROPAY_DATA_DIR: dataDir,
    DATABASE_URL: scratch?.url,
  });
  const logTail: string[] = [];
  const launch = () =>
    startPlatform({
      config: localConfig,
      output(name, line) {
        if (!/"level":(40|50|60)/.test(line) && line.startsWith('{')) return;
        logTail.push(`${name} | ${line}`);
        if (logTail.length > 40) logTail.shift();
      },
    });
  let platform: RunningPlatform | undefined;
  // Ctrl-C stops what this run started (the platform, the scratch database) before exiting.
  let interrupted = false;
  const interrupt = (signal: string) => {
    if (interrupted) return;
    interrupted = true;
    out(`\n${signal}: stopping the platform and dropping the bench database…`);
    void (async () => {
      await platform?.stop().catch(() => undefined);
      await scratch?.drop().catch(() => undefined);
      await fs.rm(dataDir, { recursive: true, force: true });
      process.exit(130);
    })();
  };
  process.once('SIGINT', () => interrupt('SIGINT'));
  process.once('SIGTERM', () => interrupt('SIGTERM'));
  const rows: Row[] = [];
  const checks: Array<{ phase: string; ok: boolean; details: string[] }> = [];
  const ceilings: { helloWorld?: LoadResult; sql?: SqlCeiling } = {};
  const seeded: Array<{ history: number; rows: number; seconds: number }> = [];
  const machine = describeMachine();
  const loadBefore = os.loadavg();
  try {
    out(
      `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}`,
    );
    out(
      `database: ${server ? `PostgreSQL server ${await serverVersion(scratch!.url)} (fresh database)` : 'embedded PGlite'}`,
    );
    out(
      `${CONNECTIONS} connections, ${bench.BENCH_SECONDS} s per workload after ${bench.BENCH_WARMUP_SECONDS} s warm-up`,
    );
    out();

    // Ceilings first, with nothing else running.
    const port = bench.BENCH_HELLO_PORT || (await getPort());
    const hello = await startHelloWorld(port);
    try {
      const client = new Client(`http://127.0.0.1:${port}`, CONNECTIONS);
      const watch = watchProcesses({ 'hello-world': hello.child.pid!, 'load generator': process.pid });
      ceilings.helloWorld = await runLoad(
        async () => {
          expectStatus(await client.send('GET', '/'), 200);
        },
        { connections: CONNECTIONS, seconds: bench.BENCH_SECONDS, warmupSeconds: bench.BENCH_WARMUP_SECONDS },
      );
      rows.push({
        workload: 'hello-world',
        phase: 'ceiling',
        load: ceilings.helloWorld,
        ceiling: null,
        ratio: null,
        processes: watch.stop(),
      });
      await client.close();
    } finally {
      await hello.stop();
    }
    out(
      `ceiling hello-world: ${fmt(ceilings.helloWorld.perSecond)} req/s, p99 ${ms(ceilings.helloWorld.latencyMs.p99)}`,
    );
    ceilings.sql = scratch
      ? await serverCeiling(scratch.url, 16, bench.BENCH_SECONDS)
      : await pgliteCeiling(path.join(dataDir, 'ceiling-pglite'), bench.BENCH_SECONDS);
    out(
      `ceiling SQL (${ceilings.sql.tool}): ${fmt(ceilings.sql.perSecond)} TPS, p99 ${ms(ceilings.sql.latencyMs.p99)}`,
    );
    rows.push({
      workload: 'sql transfer',
      phase: 'ceiling',
      load: { ...ceilings.sql, connections: ceilings.sql.clients, errors: {}, errorSamples: {} },
      ceiling: null,
      ratio: null,
      processes: {},
    });

    out('starting the platform…');
    platform = await launch();
    let pids = childProcesses(ENTRIES);
    const gw = new Client(platform.urls.gateway!, CONNECTIONS);
    const ctx = await setUp(gw, platform, dataDir);
    out(`set up ${ctx.payers.length} payers and ${ctx.pairs.length} transfer pairs`);
    out();

    const measure = async (workload: Workload, phase: string) => {
      const connections = workload === 'card-1' ? 1 : CONNECTIONS;
      const watch = watchProcesses({ ...pids, 'load generator': process.pid });
      const before = scratch ? await databaseCounters(scratch.url) : undefined;
      const load = await runLoad(iterationOf(workload, ctx, gw), {
        connections,
        seconds: bench.BENCH_SECONDS,
        warmupSeconds: bench.BENCH_WARMUP_SECONDS,
      });
      // CPU includes the work each operation left behind (events relayed and consumed after the answer).
      const drainSeconds = await quiesce(pids);
      const processes = watch.stop();
      let database: Record<string, number> | undefined;
      if (scratch && before) {
        await new Promise((r) => setTimeout(r, 1500)); // statistics are flushed about once a second
        const after = await databaseCounters(scratch.url);
        database = Object.fromEntries(
          Object.keys(after).map((k) => [`${k}_per_op`, round2((after[k]! - before[k]!) / operationsCounted(load))]),
        );
      }
      const ceiling = workload.startsWith('transfer') ? 'sql' : 'hello-world';
      const ceilingRate = ceiling === 'sql' ? ceilings.sql!.perSecond : ceilings.helloWorld!.perSecond;
      const row: Row = {
        workload,
        phase,
        load,
        ceiling,
        ratio: load.perSecond / ceilingRate,
        processes,
        drainSeconds,
        database,
      };
      rows.push(row);
      out(line(row));
    };

    await quiesce(pids);
    out(header());
    for (const w of bench.BENCH_WORKLOADS) await measure(w, 'main');
    checks.push(await checkCorrectness('main', gw, ctx));
    out(`correctness (main): ${checks.at(-1)!.ok ? 'ok' : `FAILED: ${checks.at(-1)!.details.join('; ')}`}`);

    // Scale: the same transfer and card workloads with history in the ledger.
    let total = 0;
    for (const target of history) {
      if (target <= total) continue;
      const t0 = Date.now();
      let rowsAdded: number;
      if (scratch) {
        rowsAdded = await seedServer(scratch.url, ctx.pairs, target - total, 'usd');
      } else {
        // PGlite lets one process in: stop the platform, COPY into transaction-service's data, start again.
        await platform.stop();
        rowsAdded = await seedPglite(path.join(dataDir, 'transaction-service'), ctx.pairs, target - total, 'usd');
        platform = await launch();
        pids = childProcesses(ENTRIES);
      }
      await quiesce(pids);
      total += rowsAdded;
      const seconds = (Date.now() - t0) / 1000;
      seeded.push({ history: target, rows: total, seconds });
      out(`seeded ${fmt(rowsAdded)} transfers by COPY in ${seconds.toFixed(1)} s (${fmt(total)} of history)`);
      const phase = `history ${compact(target)}`;
      for (const w of (['transfer', 'card'] as const).filter((x) => bench.BENCH_WORKLOADS.includes(x)))
        await measure(w, phase);
      checks.push(await checkCorrectness(phase, gw, ctx));
      out(`correctness (${phase}): ${checks.at(-1)!.ok ? 'ok' : `FAILED: ${checks.at(-1)!.details.join('; ')}`}`);
    }
    await gw.close();
    await ctx.close();
  } catch (error) {
    if (logTail.length) out(`last warnings and errors of the platform:\n${logTail.join('\n')}`);
    throw error;
  } finally {
    await platform?.stop();
    await scratch?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }

  const result = {
    startedAt: startedAt.toISOString(),
    commit: gitCommit(),
    database: server ? 'postgres' : 'pglite',
    settings: { connections: CONNECTIONS, seconds: bench.BENCH_SECONDS, warmupSeconds: bench.BENCH_WARMUP_SECONDS },
    machine: { ...machine, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() },
    ceilings,
    seeded,
    rows,
    checks,
  };
  await fs.mkdir(bench.BENCH_OUT, { recursive: true });
  const stem = path.join(
    bench.BENCH_OUT,
    `${startedAt.toISOString().slice(0, 16).replace(':', '')}Z-${result.database}`,
  );
  await fs.writeFile(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
  await fs.writeFile(`${stem}.svg`, await renderPlot(result));
  out();
  out(`wrote ${path.relative(process.cwd(), stem)}.json and .svg`);
  if (checks.some((c) => !c.ok)) {
    out('CORRECTNESS FAILED');
    process.exitCode = 1;
  }
}

interface Context {
  payers: User[];
  pairs: Array<[string, string]>;
  pairUsers: Array<[User, User]>;
  clientToken: string;
  hotAccount: string;
  /** Pix payments the payer paid: each settles by webhook a moment after the pay answered. */
  paidPix: Set<string>;
  close(): Promise<void>;
}

/** Users who only receive payments (checked against their payments) and pairs who only transfer. */
async function setUp(gw: Client, platform: RunningPlatform, dataDir: string): Promise<Context> {
  const stamp = Date.now().toString(36);
  const makeUser = async (label: string): Promise<User> => {
    const email = `bench-${label}-${stamp}@example.com`;
    expectStatus(await gw.send('POST', '/v1/auth/register', { body: { email, password: PASSWORD } }), 201);
    const login = expectStatus(await gw.send('POST', '/v1/auth/login', { body: { email, password: PASSWORD } }), 200);
    const token = login.body.access_token as string;
    const usd = expectStatus(await gw.send('POST', '/v1/accounts', { token, body: { currency: 'usd' } }), 201).body.id;
    const brl = expectStatus(await gw.send('POST', '/v1/accounts', { token, body: { currency: 'brl' } }), 201).body.id;
    return { email, token, usd, brl };
  };
  const inBatches = async <T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> => {
    const made: T[] = [];
    for (let i = 0; i < n; i += 8)
      made.push(...(await Promise.all(Array.from({ length: Math.min(8, n - i) }, (_, j) => make(i + j)))));
    return made;
  };
  const payers = await inBatches(CONNECTIONS, (i) => makeUser(`payer${i}`));
  const pairUsers = await inBatches(
    CONNECTIONS,
    async (i) => [await makeUser(`a${i}`), await makeUser(`b${i}`)] as [User, User],
  );

  // payment-service's client (ledger:read, ledger:write) mints the token for system-account transfers and verify.
  const secrets = JSON.parse(await fs.readFile(path.join(dataDir, 'local-secrets.json'), 'utf8')) as {
    clients: Record<string, string>;
  };
  const basic = Buffer.from(`payment-service:${secrets.clients['payment-service']}`).toString('base64');
  const tokenRes = await fetch(`${platform.urls.gateway}/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  if (!tokenRes.ok) throw new Error(`client token: ${tokenRes.status} ${await tokenRes.text()}`);
  const clientToken = ((await tokenRes.json()) as { access_token: string }).access_token;
  // System accounts are internal (not routed by the gateway): created on transaction-service itself.
  const tx = new Client(platform.urls['transaction-service']!, 2);
  const system = async (code: string) =>
    expectStatus(
      await tx.send('POST', '/v1/system-accounts', { token: clientToken, body: { code, currency: 'usd' } }),
      200,
      201,
    ).body.id as string;
  const funding = await system('bench:funding');
  const hotAccount = await system('clearing:bench_hot');
  await tx.close();
  for (const [a, b] of pairUsers)
    for (const u of [a, b])
      expectStatus(
        await gw.send('POST', '/v1/transfers', {
          token: clientToken,
          body: { from_account: funding, to_account: u.usd, amount: 1_000_000, currency: 'usd' },
          headers: { 'idempotency-key': randomUUID() },
        }),
        201,
      );
  return {
    payers,
    pairUsers,
    pairs: pairUsers.map(([a, b]) => [a.usd, b.usd]),
    clientToken,
    hotAccount,
    paidPix: new Set(),
    close: async () => {},
  };
}

/** One operation of each workload, by worker (each worker has its own payer and its own pair). */
function iterationOf(workload: Workload, ctx: Context, gw: Client): (worker: number, i: number) => Promise<void> {
  const key = () => ({ 'idempotency-key': randomUUID() });
  const pay = (u: User, body: Record<string, unknown>) =>
    gw.send('POST', '/v1/payments', { token: u.token, headers: key(), body: { amount: 100, ...body } });
  const expectField = (answer: Answer, field: string, value: string) => {
    if (answer.body?.[field] !== value)
      throw new StepFailed(`${field} ${answer.body?.[field]}`, JSON.stringify(answer.body).slice(0, 200));
    return answer;
  };
  switch (workload) {
    case 'card':
    case 'card-1':
      return async (w) => {
        const u = ctx.payers[w]!;
        expectField(
          expectStatus(await pay(u, { method: 'card', currency: 'usd', account: u.usd, card: CARD }), 201),
          'status',
          'succeeded',
        );
      };
    case 'card-manual':
      return async (w) => {
        const u = ctx.payers[w]!;
        const p = expectStatus(
          await pay(u, { method: 'card', capture_method: 'manual', currency: 'usd', account: u.usd, card: CARD }),
          201,
        );
        expectField(p, 'status', 'requires_capture');
        const c = await gw.send('POST', `/v1/payments/${p.body.id}/capture`, {
          token: u.token,
          headers: key(),
          body: {},
        });
        expectField(expectStatus(c, 200), 'status', 'succeeded');
      };
    case 'pix':
      return async (w) => {
        const u = ctx.payers[w]!;
        const p = expectStatus(await pay(u, { method: 'pix', currency: 'brl', account: u.brl }), 201);
        expectField(p, 'status', 'requires_action');
        const data = p.body.next_action.pix_display_qr_code.data as string;
        expectStatus(await gw.send('POST', '/v1/sandbox/pix/pay', { body: { data } }), 200);
        ctx.paidPix.add(p.body.id as string);
      };
    case 'transfer':
      return async (w, i) => {
        const [a, b] = ctx.pairUsers[w]!;
        const [from, to] = i % 2 ? [b, a] : [a, b];
        const body = { from_account: from.usd, to_account: to.usd, amount: 1, currency: 'usd' };
        expectStatus(await gw.send('POST', '/v1/transfers', { token: from.token, headers: key(), body }), 201);
      };
    case 'transfer-hot':
      return async (w, i) => {
        const to = ctx.pairUsers[w]![i % 2]!;
        const body = { from_account: ctx.hotAccount, to_account: to.usd, amount: 1, currency: 'usd' };
        expectStatus(await gw.send('POST', '/v1/transfers', { token: ctx.clientToken, headers: key(), body }), 201);
      };
    case 'login':
      return async (w) => {
        const u = ctx.payers[w]!;
        expectStatus(await gw.send('POST', '/v1/auth/login', { body: { email: u.email, password: PASSWORD } }), 200);
      };
    case 'token':
      return async (w) => {
        expectStatus(await gw.send('GET', '/v1/auth/me', { token: ctx.payers[w]!.token }), 200);
      };
  }
}

/**
 * After a phase: the ledger verifies; once no payment is processing any more (a paid Pix settles
 * by webhook a moment later), every payer's wallet equals its succeeded payments minus refunds,
 * and its pending credits equal its uncaptured authorisations.
 */
async function checkCorrectness(
  phase: string,
  gw: Client,
  ctx: Context,
): Promise<{ phase: string; ok: boolean; details: string[] }> {
  const details: string[] = [];
  const listAll = async (u: User) => {
    const all: PaymentView[] = [];
    let after: string | undefined;
    for (;;) {
      const page = expectStatus(
        await gw.send('GET', `/v1/payments?limit=100${after ? `&starting_after=${after}` : ''}`, { token: u.token }),
        200,
      ).body;
      all.push(...page.data);
      if (!page.has_more) return all;
      after = page.data.at(-1).id;
    }
  };
  let payments: PaymentView[][];
  const deadline = Date.now() + 60_000;
  for (;;) {
    payments = await Promise.all(ctx.payers.map(listAll));
    const processing = payments.flat().filter((p) => p.status === 'processing').length;
    const unsettled = payments.flat().filter((p) => p.status === 'requires_action' && ctx.paidPix.has(p.id)).length;
    if (!processing && !unsettled) break;
    if (Date.now() > deadline) {
      details.push(`after 60 s: ${processing} payments still processing, ${unsettled} paid Pix not settled`);
      break;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const verify = await gw.send('GET', '/v1/ledger/verify', { token: ctx.clientToken });
  if (verify.status !== 200 || verify.body.ok !== true)
    details.push(`ledger verify: ${verify.status} ${JSON.stringify(verify.body).slice(0, 300)}`);
  for (const [i, u] of ctx.payers.entries()) {
    for (const [currency, account] of [
      ['usd', u.usd],
      ['brl', u.brl],
    ] as const) {
      const mine = payments[i]!.filter((p) => p.account === account);
      const received = mine
        .filter((p) => p.status === 'succeeded')
        .reduce((s, p) => s + p.amount_received - p.amount_refunded, 0);
      const held = mine.filter((p) => p.status === 'requires_capture').reduce((s, p) => s + p.amount_capturable, 0);
      const wallet = expectStatus(await gw.send('GET', `/v1/accounts/${account}`, { token: u.token }), 200).body;
      if (wallet.balance !== received || wallet.pending_credits !== held)
        details.push(
          `${u.email} ${currency}: balance ${wallet.balance} vs payments ${received}, pending_credits ${wallet.pending_credits} vs holds ${held}`,
        );
    }
  }
  return { phase, ok: details.length === 0, details };
}

/** The fields of a payment the correctness check reads. */
interface PaymentView {
  id: string;
  account: string;
  status: string;
  amount_received: number;
  amount_refunded: number;
  amount_capturable: number;
}

async function databaseCounters(url: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(
      `select xact_commit::int8 as commits, xact_rollback::int8 as rollbacks, tup_inserted::int8 as inserted,
              tup_updated::int8 as updated, tup_fetched::int8 as fetched, tup_returned::int8 as returned
         from pg_stat_database where datname = current_database()`,
    );
    return Object.fromEntries(Object.entries(r.rows[0] as Record<string, string>).map(([k, v]) => [k, Number(v)]));
  } finally {
    await c.end();
  }
}

async function serverVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return String((await c.query('show server_version')).rows[0].server_version);
  } finally {
    await c.end();
  }
}

function describeMachine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.platform()} ${os.release()}`,
    node: process.version,
  };
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const SERVICES_SHORT: Record<string, string> = {
  gateway: 'gw',
  'auth-service': 'auth',
  'transaction-service': 'tx',
  'payment-service': 'pay',
  'notification-service': 'notif',
  sandbox: 'sbx',
};

function header(): string {
  return [
    'workload'.padEnd(14),
    'phase'.padEnd(12),
    'conns'.padStart(5),
    'ops/s'.padStart(8),
    'p50'.padStart(8),
    'p90'.padStart(8),
    'p99'.padStart(8),
    'max'.padStart(8),
    'ratio'.padStart(7),
    'errors'.padEnd(14),
    'drain'.padStart(6),
    'CPU ms/op (gw auth tx pay notif sbx)'.padEnd(38),
    'peak RSS MB',
    server ? '  commits/op' : '',
  ].join(' ');
}

function line(row: Row): string {
  const l = row.load;
  const errors = Object.entries(l.errors)
    .map(([s, n]) => `${s}:${n}`)
    .join(',');
  const cpu = Object.keys(SERVICES_SHORT)
    .map((n) => (row.processes[n] ? ((row.processes[n]!.cpuSeconds * 1000) / operationsCounted(l)).toFixed(1) : '-'))
    .join(' ');
  const rss = Math.max(
    0,
    ...Object.entries(row.processes)
      .filter(([n]) => n in SERVICES_SHORT)
      .map(([, p]) => p.peakRssMb),
  );
  return [
    row.workload.padEnd(14),
    row.phase.padEnd(12),
    String(l.connections).padStart(5),
    fmt(l.perSecond).padStart(8),
    ms(l.latencyMs.p50).padStart(8),
    ms(l.latencyMs.p90).padStart(8),
    ms(l.latencyMs.p99).padStart(8),
    ms(l.latencyMs.max).padStart(8),
    (row.ratio === null ? '' : `${(row.ratio * 100).toFixed(1)}%`).padStart(7),
    (errors || '0').padEnd(14),
    `${(row.drainSeconds ?? 0).toFixed(0)} s`.padStart(6),
    cpu.padEnd(38),
    rss.toFixed(0).padStart(11),
    row.database ? `  ${row.database.commits_per_op}` : '',
  ].join(' ');
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const ms = (n: number) => (n >= 100 ? `${Math.round(n)} ms` : `${n.toFixed(1)} ms`);
const round2 = (n: number) => Math.round(n * 100) / 100;
const compact = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
