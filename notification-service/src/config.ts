import { z } from 'zod';
import {
  baseConfig,
  env,
  eventTransportConfig,
  eventTransportEnv,
  serviceEnv,
  verifierConfig,
  verifierEnv,
} from '@micropay/platform';
import { DEFAULT_RETRY_SCHEDULE_SECONDS } from './domain/retry-schedule';

const retrySchedule = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be comma-separated whole seconds, such as 5,300,1800')
  .transform((v) => v.split(',').map(Number));

export const configSchema = z
  .object({
    ...serviceEnv('notification-service'),
    ...verifierEnv,
    ...eventTransportEnv,
    /** Seconds between webhook attempts (Svix's schedule by default); the tests use 1,1,1. */
    WEBHOOK_RETRY_SCHEDULE: retrySchedule.default(DEFAULT_RETRY_SCHEDULE_SECONDS),
    /** Allow webhook URLs resolving to loopback/private/link-local addresses: npm start sets it, charts never. */
    WEBHOOK_ALLOW_PRIVATE_URLS: env.bool(false),
    /** A receiver must answer within this long. */
    WEBHOOK_TIMEOUT_MS: env.int(15_000, 100),
    /** How often the delivery job looks for due webhook attempts (it is also woken by new events). */
    WEBHOOK_POLL_INTERVAL_MS: env.int(1000, 10),
  })
  .transform((e) => ({
    ...baseConfig(e, 'notification-service'),
    auth: verifierConfig(e),
    events: eventTransportConfig(e),
    webhooks: {
      retrySchedule: e.WEBHOOK_RETRY_SCHEDULE,
      allowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      pollIntervalMs: e.WEBHOOK_POLL_INTERVAL_MS,
    },
  }));

export type Config = z.output<typeof configSchema>;
