import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import pg from 'pg';
import { summarise } from './load';

const run = promisify(execFile);

export const PGBENCH = '/usr/bin/pgbench';

/** The ledger's hot path reduced to SQL: move 1 between two accounts and record it. */
const TABLES = `
  create table if not exists bench_accounts (id int primary key, balance bigint not null default 0);
  create table if not exists bench_transfers (
    id bigserial primary key, debit int not null, credit int not null, amount bigint not null,
    created_at timestamptz not null default now());
  insert into bench_accounts (id) select g from generate_series(1, 10000) g on conflict do nothing;`;

/** pgbench's script: the lower id is updated first, as the ledger locks in id order (no deadlocks). */
const PGBENCH_SCRIPT = `\\set a random(1, 10000)
\\set b random(1, 10000)
\\set lo least(:a, :b)
\\set hi greatest(:a, :b)
BEGIN;
UPDATE bench_accounts SET balance = balance - 1 WHERE id = :lo;
UPDATE bench_accounts SET balance = balance + 1 WHERE id = :hi;
INSERT INTO bench_transfers (debit, credit, amount) VALUES (:lo, :hi, 1);
END;
`;

export interface SqlCeiling {
  tool: string;
  clients: number;
  seconds: number;
  operations: number;
  perSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

async function hasPgbench(): Promise<boolean> {
  return fs
    .access(PGBENCH)
    .then(() => true)
    .catch(() => false);
}

/** pgbench (or, without it, the same transaction in a raw `pg` loop) against the bench database. */
export async function serverCeiling(url: string, clients: number, seconds: number): Promise<SqlCeiling> {
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query(TABLES);
  await setup.end();
  if (await hasPgbench()) return pgbench(url, clients, seconds);
  return rawLoop(url, clients, seconds, 'raw pg loop (pgbench not installed)');
}

async function pgbench(url: string, clients: number, seconds: number): Promise<SqlCeiling> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'micropay-pgbench-'));
  try {
    const script = path.join(dir, 'transfer.sql');
    await fs.writeFile(script, PGBENCH_SCRIPT);
    const u = new URL(url);
    const env = {
      ...process.env,
      PGHOST: u.hostname,
      PGPORT: u.port || '5432',
      PGUSER: decodeURIComponent(u.username || 'postgres'),
      PGPASSWORD: decodeURIComponent(u.password),
      PGDATABASE: u.pathname.slice(1),
    };
    const jobs = Math.min(clients, os.cpus().length);
    const args = ['-n', '-c', String(clients), '-j', String(jobs), '-T', String(seconds), '-f', script];
    await run(PGBENCH, [...args, '-l', `--log-prefix=${path.join(dir, 'log')}`], { env, cwd: dir });
    // One line per transaction: client_id transaction_no latency_us script_no epoch_s epoch_us.
    const latencies: number[] = [];
    for (const file of await fs.readdir(dir)) {
      if (!file.startsWith('log')) continue;
      for (const line of (await fs.readFile(path.join(dir, file), 'utf8')).split('\n')) {
        const us = Number(line.split(' ')[2]);
        if (Number.isFinite(us) && line) latencies.push(us / 1000);
      }
    }
    return { tool: `pgbench ${clients} clients`, clients, seconds, ...summarise(latencies, seconds) };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function rawLoop(url: string, clients: number, seconds: number, tool: string): Promise<SqlCeiling> {
  const conns = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(conns.map((c) => transferLoop((sql, params) => c.query(sql, params), until, latencies)));
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(conns.map((c) => c.end()));
  return { tool, clients, seconds: elapsed, ...summarise(latencies, elapsed) };
}

async function transferLoop(
  query: (sql: string, params?: unknown[]) => Promise<unknown>,
  until: number,
  latencies: number[],
): Promise<void> {
  while (performance.now() < until) {
    const a = 1 + Math.floor(Math.random() * 10000);
    const b = 1 + Math.floor(Math.random() * 10000);
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const t0 = performance.now();
    await query('begin');
    await query('update bench_accounts set balance = balance - 1 where id = $1', [lo]);
    await query('update bench_accounts set balance = balance + 1 where id = $1', [hi]);
    await query('insert into bench_transfers (debit, credit, amount) values ($1, $2, 1)', [lo, hi]);
    await query('commit');
    latencies.push(performance.now() - t0);
  }
}

/**
 * The embedded ceiling: the same transaction against a PGlite on disk, served over the wire
 * protocol and driven with `pg`, exactly as a service reaches its embedded database.
 */
export async function pgliteCeiling(dataDir: string, seconds: number): Promise<SqlCeiling> {
  const { startEmbeddedPostgres } = await import('@micropay/platform');
  const embedded = await startEmbeddedPostgres({ dataDir });
  try {
    const c = new pg.Client({ connectionString: embedded.url });
    await c.connect();
    await c.query(TABLES);
    const latencies: number[] = [];
    const started = performance.now();
    await transferLoop((sql, params) => c.query(sql, params), started + seconds * 1000, latencies);
    const elapsed = (performance.now() - started) / 1000;
    await c.end();
    return {
      tool: 'PGlite over the wire, 1 connection (raw pg loop)',
      clients: 1,
      seconds: elapsed,
      ...summarise(latencies, elapsed),
    };
  } finally {
    await embedded.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** Starts the hello-world app as its own process; resolves once it listens. */
export async function startHelloWorld(port: number): Promise<{ child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@micropay/source', '--import', 'tsx', path.join(__dirname, '..', 'hello-world.ts')],
    {
      env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`hello-world exited with ${code}`)));
  });
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
