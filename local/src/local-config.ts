import path from 'node:path';
import { z } from 'zod';
import { env } from '@micropay/platform';

/** The repository root: `.micropay/` lives here unless MICROPAY_DATA_DIR says otherwise. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export const localConfigSchema = z
  .object({
    MICROPAY_DATA_DIR: z.string().min(1).default(path.join(REPO_ROOT, '.micropay')),
    GATEWAY_PORT: env.port(8080),
    AUTH_SERVICE_PORT: env.port(8081),
    TRANSACTION_SERVICE_PORT: env.port(8082),
    PAYMENT_SERVICE_PORT: env.port(8083),
    NOTIFICATION_SERVICE_PORT: env.port(8084),
    LOG_LEVEL: env.logLevel(),
    LOG_FORMAT: z.enum(['pretty', 'json']).default('pretty'),
    /** When set, every service uses this PostgreSQL server (one schema each) instead of PGlite. */
    DATABASE_URL: env.postgresUrl().optional(),
  })
  .transform((e) => ({
    dataDir: path.resolve(e.MICROPAY_DATA_DIR),
    ports: {
      gateway: e.GATEWAY_PORT,
      'auth-service': e.AUTH_SERVICE_PORT,
      'transaction-service': e.TRANSACTION_SERVICE_PORT,
      'payment-service': e.PAYMENT_SERVICE_PORT,
      'notification-service': e.NOTIFICATION_SERVICE_PORT,
    },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    databaseUrl: e.DATABASE_URL,
  }));

export type LocalConfig = z.output<typeof localConfigSchema>;
