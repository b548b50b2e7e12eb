/**
 * Auth benchmark (`npm run bench:auth`): starts auth-service as its own process, exactly as
 * `npm start` runs it (embedded PostgreSQL in a temporary directory, or a scratch database on the
 * DATABASE_URL server, dropped afterwards), and
 * measures over BENCH_SECONDS each (default 10), with BENCH_CONCURRENCY clients (default 8):
 *  - logins/s: POST /v1/auth/login (argon2id verify, a session row, two RS256 signatures);
 *  - refreshes/s: POST /v1/auth/refresh, each client rotating its own refresh token;
 *  - token verifications/s: the platform verifier every service uses, JWKS cached, in this process.
 * Not a test: it prints figures and asserts nothing about speed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import getPort from 'get-port';
import { z } from 'zod';
import { createTokenVerifier, env, loadConfigOrExit } from '@micropay/platform';
import { createScratchDatabase } from '@micropay/platform/testing';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const config = loadConfigOrExit(
  z.object({
    DATABASE_URL: env.postgresUrl().optional(),
    BENCH_SECONDS: env.int(10, 1),
    BENCH_CONCURRENCY: env.int(8, 1),
  }),
);
const SECONDS = config.BENCH_SECONDS;
const CONCURRENCY = config.BENCH_CONCURRENCY;
const PASSWORD = 'bench passphrase 42';

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** Runs `worker(i)` in CONCURRENCY loops for SECONDS; returns operations per second. */
async function measure(label: string, worker: (client: number) => Promise<void>): Promise<number> {
  let count = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, client) => {
      while (performance.now() < deadline) {
        await worker(client);
        count += 1;
      }
    }),
  );
  const rate = count / ((performance.now() - started) / 1000);
  process.stdout.write(
    `${label.padEnd(26)} ${rate.toFixed(0).padStart(8)} /s  (${count} in ${SECONDS} s, ${CONCURRENCY} clients)\n`,
  );
  return rate;
}

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'micropay-bench-'));
  const scratch = config.DATABASE_URL ? await createScratchDatabase(config.DATABASE_URL, 'bench') : undefined;
  const port = await getPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    ['--conditions=@micropay/source', '--import=tsx', path.join(REPO_ROOT, 'auth-service/src/main.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        MICROPAY_DATA_DIR: dataDir,
        ...(scratch ? { DATABASE_URL: scratch.url } : {}),
        AUTH_ISSUER: url,
        LOG_LEVEL: 'warn',
        // The benchmark is one client IP doing thousands of logins on purpose.
        AUTH_RATE_LIMIT_MAX: '100000000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    const deadline = Date.now() + 120_000;
    while (
      !(await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('auth-service did not start');
      await new Promise((r) => setTimeout(r, 250));
    }
    const users = Array.from({ length: CONCURRENCY }, (_, i) => `bench.${Date.now()}.${i}@example.com`);
    for (const email of users) {
      const res = await post(`${url}/v1/auth/register`, { email, password: PASSWORD });
      if (res.status !== 201) throw new Error(`register answered ${res.status}`);
    }
    process.stdout.write(
      `auth-service at ${url}, ${os.cpus().length} CPUs, ${config.DATABASE_URL ? 'PostgreSQL server' : 'embedded PostgreSQL (PGlite)'}\n`,
    );

    const sessions: Record<string, string>[] = [];
    await measure('logins', async (client) => {
      const res = await post(`${url}/v1/auth/login`, { email: users[client], password: PASSWORD });
      if (res.status !== 200) throw new Error(`login answered ${res.status}`);
      sessions[client] = res.body;
    });

    await measure('refreshes', async (client) => {
      const res = await post(`${url}/v1/auth/refresh`, { refresh_token: sessions[client]!.refresh_token });
      if (res.status !== 200) throw new Error(`refresh answered ${res.status}`);
      sessions[client] = res.body;
    });

    const issuer = ((await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as { issuer: string })
      .issuer;
    const verifier = createTokenVerifier({ issuer, jwksUrl: `${url}/.well-known/jwks.json` });
    await measure('token verifications', async (client) => {
      await verifier.verify(sessions[client]!.access_token!);
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await fs.rm(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
