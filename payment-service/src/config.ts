import { z } from 'zod';
import {
  baseConfig,
  clientCredentialsConfig,
  clientCredentialsEnv,
  env,
  eventSubscribersOf,
  serviceEnv,
  verifierConfig,
  verifierEnv,
} from '@micropay/platform';

export const configSchema = z
  .object({
    ...serviceEnv('payment-service'),
    ...verifierEnv,
    ...clientCredentialsEnv,
    /** Services that receive this service's events over HTTP (the local stand-in for SNS). */
    EVENT_SUBSCRIBERS: env.list().default(eventSubscribersOf('payment-service')),
    /** HMAC key for card fingerprints: the same card gets the same fingerprint, the number is never stored. */
    CARD_FINGERPRINT_SECRET: z.string().min(32, 'must be at least 32 characters'),
    PEER_TIMEOUT_MS: env.int(3000, 100),
    SETTLEMENT_INTERVAL_MS: env.int(5000, 100),
  })
  .transform((e) => ({
    ...baseConfig(e, 'payment-service'),
    auth: verifierConfig(e),
    clientCredentials: clientCredentialsConfig(e),
    eventSubscribers: e.EVENT_SUBSCRIBERS,
    cardFingerprintSecret: e.CARD_FINGERPRINT_SECRET,
    peerTimeoutMs: e.PEER_TIMEOUT_MS,
    settlementIntervalMs: e.SETTLEMENT_INTERVAL_MS,
  }));

export type Config = z.output<typeof configSchema>;
