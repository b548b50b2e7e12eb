import { z } from 'zod';
import {
  baseConfig,
  clientCredentialsConfig,
  clientCredentialsEnv,
  env,
  eventSubscribersOf,
  eventTransportConfig,
  eventTransportEnv,
  serviceEnv,
  verifierConfig,
  verifierEnv,
} from '@micropay/platform';

export const configSchema = z
  .object({
    ...serviceEnv('payment-service'),
    ...verifierEnv,
    ...clientCredentialsEnv,
    ...eventTransportEnv,
    /** Services that receive this service's events over HTTP (the local stand-in for SNS). */
    EVENT_SUBSCRIBERS: env.list().default(eventSubscribersOf('payment-service')),
    /** HMAC key for card fingerprints: the same card gets the same fingerprint, the number is never stored. */
    CARD_FINGERPRINT_SECRET: z.string().min(32, 'must be at least 32 characters'),
    /** The sandbox PSP's API (local/src/sandbox), its API key, and the secret its webhooks are signed with. */
    SANDBOX_URL: env.url().default('http://127.0.0.1:8085'),
    SANDBOX_API_KEY: z.string().min(16, 'must be at least 16 characters'),
    SANDBOX_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters'),
    /** How long a manual-capture authorisation waits for capture before it is released (7 days). */
    CARD_AUTHORIZATION_TTL_SECONDS: env.int(7 * 86_400, 1),
    PEER_TIMEOUT_MS: env.int(3000, 100),
    /** How often the settlement job looks for due ledger or provider work (each payment backs off on its own). */
    SETTLEMENT_INTERVAL_MS: env.int(1000, 50),
    /** How often waiting payments are checked for expiry (Pix is canceled within this after expires_at). */
    EXPIRY_INTERVAL_MS: env.int(2000, 50),
    RECONCILIATION_INTERVAL_MS: env.int(60_000, 100),
  })
  .transform((e) => ({
    ...baseConfig(e, 'payment-service'),
    auth: verifierConfig(e),
    clientCredentials: clientCredentialsConfig(e),
    eventSubscribers: e.EVENT_SUBSCRIBERS,
    events: eventTransportConfig(e),
    cardFingerprintSecret: e.CARD_FINGERPRINT_SECRET,
    sandbox: { url: e.SANDBOX_URL, apiKey: e.SANDBOX_API_KEY, webhookSecret: e.SANDBOX_WEBHOOK_SECRET },
    authorizationTtlSeconds: e.CARD_AUTHORIZATION_TTL_SECONDS,
    peerTimeoutMs: e.PEER_TIMEOUT_MS,
    settlementIntervalMs: e.SETTLEMENT_INTERVAL_MS,
    expiryIntervalMs: e.EXPIRY_INTERVAL_MS,
    reconciliationIntervalMs: e.RECONCILIATION_INTERVAL_MS,
  }));

export type Config = z.output<typeof configSchema>;
