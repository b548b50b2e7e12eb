/**
 * Ledger benchmark (a script, not a test): `npm run bench:ledger`.
 *
 * Starts transaction-service as its own process, on embedded PostgreSQL (PGlite) or, with
 * DATABASE_URL set, in a fresh database on that server (dropped afterwards), trusting an
 * in-process RS256 issuer. Then drives POST /v1/transfers over HTTP with BENCH_CONCURRENCY
 * requests in flight and prints transfers/s and latency percentiles for two workloads:
 *   distinct  pairs of wallets moving money back and forth, no two requests sharing an account
 *   hot       every transfer credits a wallet out of one system account (its row lock is the bottleneck)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import getPort from 'get-port';
import { z } from 'zod';
import { env, loadConfig } from '@micropay/platform';
import { call, createScratchDatabase, TestIssuer, type ScratchDatabase } from '@micropay/platform/testing';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

const config = loadConfig(
  z.object({
    DATABASE_URL: env.postgresUrl().optional(),
    BENCH_TRANSFERS: env.int(2000, 1),
    BENCH_CONCURRENCY: env.int(16, 1),
    BENCH_WARMUP: env.int(200, 0),
  }),
);

const out = (line = '') => process.stdout.write(`${line}\n`);

interface Wallet {
  id: string;
  token: string;
}

async function main(): Promise<void> {
  const issuer = await TestIssuer.start();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'micropay-bench-'));
  const scratch: ScratchDatabase | undefined = config.DATABASE_URL
    ? await createScratchDatabase(config.DATABASE_URL, 'bench')
    : undefined;
  const port = await getPort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    ['--conditions=@micropay/source', '--import', 'tsx', 'transaction-service/src/main.ts'],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        MICROPAY_DATA_DIR: dataDir,
        AUTH_ISSUER: issuer.issuer,
        AUTH_JWKS_URL: issuer.jwksUrl,
        ...(scratch ? { DATABASE_URL: scratch.url } : { DATABASE_URL: '' }),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    await waitUntilReady(base);
    const client = await issuer.clientToken('bench', ['ledger:write', 'ledger:read']);
    const cpu = os.cpus();
    out(
      `machine: ${cpu.length} × ${cpu[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`,
    );
    out(`database: ${scratch ? 'PostgreSQL server (DATABASE_URL), pool 10' : 'embedded PGlite (one connection)'}`);
    out(
      `transfers per workload: ${config.BENCH_TRANSFERS} (after ${config.BENCH_WARMUP} warm-up), concurrency ${config.BENCH_CONCURRENCY}`,
    );
    out();

    const clearing = (
      await call(base, 'POST', '/v1/system-accounts', {
        token: client,
        body: { code: 'clearing:bench', currency: 'usd' },
      })
    ).body.id as string;
    const wallets = await openWallets(base, issuer, clearing, client, config.BENCH_CONCURRENCY * 2);

    let seq = 0;
    const send = (token: string, from: string, to: string) =>
      call(base, 'POST', '/v1/transfers', {
        token,
        body: { from_account: from, to_account: to, amount: 1, currency: 'usd' },
        headers: { 'idempotency-key': `bench-${(seq += 1)}` },
      });

    // Worker w owns wallets 2w and 2w+1 and moves 1 back and forth: no two in-flight requests share an account.
    const distinct = (w: number, i: number) => {
      const [a, b] = [wallets[2 * w]!, wallets[2 * w + 1]!];
      return i % 2 ? send(b.token, b.id, a.id) : send(a.token, a.id, b.id);
    };
    // Every request debits the one clearing account.
    const hot = (w: number, i: number) => send(client, clearing, wallets[(w + i) % wallets.length]!.id);

    for (const [name, next] of [
      ['distinct', distinct],
      ['hot', hot],
    ] as const) {
      await run(next, config.BENCH_WARMUP, config.BENCH_CONCURRENCY);
      const r = await run(next, config.BENCH_TRANSFERS, config.BENCH_CONCURRENCY);
      out(
        `${name.padEnd(9)} ${r.perSecond.toFixed(0).padStart(6)} transfers/s   p50 ${r.p50.toFixed(1)} ms   p99 ${r.p99.toFixed(1)} ms   ` +
          `errors ${r.errors}${r.errors ? ` (${r.firstError})` : ''}`,
      );
    }

    const verify = await call(base, 'GET', '/v1/ledger/verify', { token: client });
    out();
    out(`ledger verify: ok=${verify.body.ok}, discrepancies=${verify.body.discrepancies?.length}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    await issuer.close();
    await scratch?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

async function waitUntilReady(base: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('transaction-service was not ready within 120 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function openWallets(
  base: string,
  issuer: TestIssuer,
  clearing: string,
  client: string,
  count: number,
): Promise<Wallet[]> {
  const wallets: Wallet[] = [];
  for (let i = 0; i < count; i += 1) {
    const token = await issuer.userToken(`usr_BENCH${Date.now()}${i}`, { expiresInSeconds: 3600 });
    const id = (await call(base, 'POST', '/v1/accounts', { token, body: { currency: 'usd' } })).body.id as string;
    const funded = await call(base, 'POST', '/v1/transfers', {
      token: client,
      body: { from_account: clearing, to_account: id, amount: 1_000_000, currency: 'usd' },
      headers: { 'idempotency-key': `fund-${id}` },
    });
    if (funded.status !== 201) throw new Error(`funding failed: ${JSON.stringify(funded.body)}`);
    wallets.push({ id, token });
  }
  return wallets;
}

/** `total` requests, `concurrency` in flight; each worker sends its next request when the last one answered. */
async function run(
  next: (worker: number, i: number) => Promise<{ status: number; body: unknown }>,
  total: number,
  concurrency: number,
) {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError = '';
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; issued < total; i += 1) {
        issued += 1;
        const t0 = performance.now();
        const res = await next(worker, i);
        latencies.push(performance.now() - t0);
        if (res.status !== 201) {
          errors += 1;
          firstError ||= `${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return { perSecond: total / seconds, p50: pct(50), p99: pct(99), errors, firstError };
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
