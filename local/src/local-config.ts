import path from 'node:path';
import { z } from 'zod';
import { env, envStem, GATEWAY_PORT, SANDBOX, SERVICES } from '@micropay/platform';

/** The repository root: `.micropay/` lives here unless MICROPAY_DATA_DIR says otherwise. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The processes `npm start` runs: every service in the manifest, the sandbox provider, then the gateway. */
export const PROCESSES = [...SERVICES.map((s) => s.name), 'sandbox', 'gateway'] as const;
export type ProcessName = string;

/** `GATEWAY_PORT`, `AUTH_SERVICE_PORT`, …: each process's port, configurable so two stacks can run side by side. */
export const portVariable = (name: ProcessName) => `${envStem(name)}_PORT`;

const portEnv: Record<string, ReturnType<typeof env.port>> = Object.fromEntries([
  [portVariable('gateway'), env.port(GATEWAY_PORT)],
  [portVariable('sandbox'), env.port(SANDBOX.port)],
  ...SERVICES.map((s) => [portVariable(s.name), env.port(s.port)]),
]);

export const localConfigSchema = z
  .object({
    MICROPAY_DATA_DIR: z.string().min(1).default(path.join(REPO_ROOT, '.micropay')),
    ...portEnv,
    LOG_LEVEL: env.logLevel(),
    LOG_FORMAT: z.enum(['pretty', 'json']).default('pretty'),
    /** When set, every service uses this PostgreSQL server (one schema each) instead of PGlite. */
    DATABASE_URL: env.postgresUrl().optional(),
    /** When set, every process runs with `--cpu-prof` and writes its profile here when it stops. */
    CPU_PROFILE_DIR: z.string().min(1).optional(),
  })
  .transform((e) => ({
    dataDir: path.resolve(e.MICROPAY_DATA_DIR),
    ports: Object.fromEntries(
      PROCESSES.map((name) => [name, Number((e as Record<string, unknown>)[portVariable(name)])]),
    ) as Record<ProcessName, number>,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    databaseUrl: e.DATABASE_URL,
    cpuProfileDir: e.CPU_PROFILE_DIR ? path.resolve(e.CPU_PROFILE_DIR) : undefined,
  }));

export type LocalConfig = z.output<typeof localConfigSchema>;
