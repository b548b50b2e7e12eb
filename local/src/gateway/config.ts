import { z } from 'zod';
import { env } from '@micropay/platform';

export const gatewayConfigSchema = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: env.port(8080),
    LOG_LEVEL: env.logLevel(),
    AUTH_ISSUER: env.url().default('http://127.0.0.1:8080'),
    AUTH_JWKS_URL: env.url().default('http://127.0.0.1:8081/.well-known/jwks.json'),
    AUTH_SERVICE_URL: env.url().default('http://127.0.0.1:8081'),
    TRANSACTION_SERVICE_URL: env.url().default('http://127.0.0.1:8082'),
    PAYMENT_SERVICE_URL: env.url().default('http://127.0.0.1:8083'),
    NOTIFICATION_SERVICE_URL: env.url().default('http://127.0.0.1:8084'),
    SHUTDOWN_TIMEOUT_MS: env.int(10_000),
  })
  .transform((e) => ({
    http: { host: e.HOST, port: e.PORT },
    log: { level: e.LOG_LEVEL },
    auth: { issuer: e.AUTH_ISSUER, jwksUrl: e.AUTH_JWKS_URL },
    upstreams: {
      'auth-service': e.AUTH_SERVICE_URL,
      'transaction-service': e.TRANSACTION_SERVICE_URL,
      'payment-service': e.PAYMENT_SERVICE_URL,
      'notification-service': e.NOTIFICATION_SERVICE_URL,
    } as Record<string, string>,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  }));

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
