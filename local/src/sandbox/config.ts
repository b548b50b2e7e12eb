import { z } from 'zod';
import { env, GATEWAY_PORT, serviceManifest } from '@micropay/platform';

export const SANDBOX_PORT = 8085;

export const sandboxConfigSchema = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: env.port(SANDBOX_PORT),
    LOG_LEVEL: env.logLevel(),
    /** What payment-service sends as Bearer token, like a PSP's secret key. */
    SANDBOX_API_KEY: z.string().min(16, 'must be at least 16 characters'),
    /** Signs every webhook (Sandbox-Signature). */
    SANDBOX_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters'),
    SANDBOX_WEBHOOK_URL: env
      .url()
      .default(`http://127.0.0.1:${serviceManifest('payment-service').port}/v1/provider-webhooks/sandbox`),
    /** The origin payers reach the hosted pages through (the gateway locally, the Ingress in a cluster). */
    SANDBOX_PUBLIC_URL: env.url().default(`http://127.0.0.1:${GATEWAY_PORT}`),
    /** Where the sandbox keeps its charges between restarts; unset keeps them in memory only. */
    SANDBOX_STATE_FILE: z.string().min(1).optional(),
    /** The merchant's Pix key, name and city written into every BR Code, and the bank of every boleto. */
    SANDBOX_PIX_KEY: z.string().min(1).max(77).default('pix@micropay.example'),
    SANDBOX_MERCHANT_NAME: z.string().min(1).max(25).default('MicroPay Sandbox'),
    SANDBOX_MERCHANT_CITY: z.string().min(1).max(15).default('Sao Paulo'),
    SANDBOX_BANK_CODE: z
      .string()
      .regex(/^\d{3}$/, 'must be 3 digits')
      .default('001'),
    /** How often pending Pix and boletos are checked for expiry. */
    SANDBOX_EXPIRY_INTERVAL_MS: env.int(1000, 50),
    SHUTDOWN_TIMEOUT_MS: env.int(10_000),
  })
  .transform((e) => ({
    http: { host: e.HOST, port: e.PORT },
    log: { level: e.LOG_LEVEL },
    apiKey: e.SANDBOX_API_KEY,
    webhookSecret: e.SANDBOX_WEBHOOK_SECRET,
    webhookUrl: e.SANDBOX_WEBHOOK_URL,
    publicUrl: e.SANDBOX_PUBLIC_URL.replace(/\/+$/, ''),
    stateFile: e.SANDBOX_STATE_FILE,
    merchant: { pixKey: e.SANDBOX_PIX_KEY, name: e.SANDBOX_MERCHANT_NAME, city: e.SANDBOX_MERCHANT_CITY },
    bankCode: e.SANDBOX_BANK_CODE,
    expiryIntervalMs: e.SANDBOX_EXPIRY_INTERVAL_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  }));

export type SandboxConfig = z.output<typeof sandboxConfigSchema>;
