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
    ...serviceEnv('transaction-service'),
    ...verifierEnv,
    // Its client pushes events over HTTP; with an SNS topic (IRSA) it needs none.
    OAUTH_TOKEN_URL: clientCredentialsEnv.OAUTH_TOKEN_URL,
    OAUTH_CLIENT_ID: clientCredentialsEnv.OAUTH_CLIENT_ID.optional(),
    OAUTH_CLIENT_SECRET: clientCredentialsEnv.OAUTH_CLIENT_SECRET.optional(),
    ...eventTransportEnv,
    /** Services that receive this service's events over HTTP (the local stand-in for SNS). */
    EVENT_SUBSCRIBERS: env.list().default(eventSubscribersOf('transaction-service')),
    PEER_TIMEOUT_MS: env.int(3000, 100),
    /** How often expired holds (pending transfers past timeout_seconds) are voided. */
    LEDGER_EXPIRY_SWEEP_MS: env.int(1000, 10),
  })
  .refine((e) => e.EVENTS_SNS_TOPIC_ARN || (e.OAUTH_CLIENT_ID && e.OAUTH_CLIENT_SECRET), {
    error:
      'OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET are required to push events over HTTP (without EVENTS_SNS_TOPIC_ARN)',
    path: ['OAUTH_CLIENT_ID'],
  })
  .transform((e) => ({
    ...baseConfig(e, 'transaction-service'),
    auth: verifierConfig(e),
    clientCredentials: clientCredentialsConfig({
      ...e,
      OAUTH_CLIENT_ID: e.OAUTH_CLIENT_ID ?? '',
      OAUTH_CLIENT_SECRET: e.OAUTH_CLIENT_SECRET ?? '',
    }),
    eventSubscribers: e.EVENT_SUBSCRIBERS,
    events: eventTransportConfig(e),
    peerTimeoutMs: e.PEER_TIMEOUT_MS,
    expirySweepMs: e.LEDGER_EXPIRY_SWEEP_MS,
  }));

export type Config = z.output<typeof configSchema>;
