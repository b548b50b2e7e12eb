import path from 'node:path';
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

/** Email and push send retries: minutes to an hour apart (a provider outage, throttling), about 2 h in all. */
export const DEFAULT_CHANNEL_RETRY_SCHEDULE = [5, 30, 120, 600, 1800, 3600];

const platformApplicationArn = (platforms: string[]) =>
  z
    .string()
    .regex(
      new RegExp(`^arn:aws[\\w-]*:sns:[\\w-]+:\\d{12}:app/(${platforms.join('|')})/[\\w.-]+$`),
      `must be an SNS platform application ARN (arn:aws:sns:<region>:<account>:app/${platforms.join(' or ')}/<name>)`,
    )
    .optional();

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
    /**
     * Users' email addresses come from auth-service with this service's client-credentials token
     * (scope users:read). Unset locally only in tests that give the token source themselves;
     * without them emails cannot be addressed and are retried, then failed.
     */
    OAUTH_TOKEN_URL: env.url().default('http://127.0.0.1:8081/oauth2/token'),
    OAUTH_CLIENT_ID: z.string().min(1).optional(),
    OAUTH_CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    PEER_TIMEOUT_MS: env.int(3000, 100),
    /** How long a looked-up address is used before auth-service is asked again. */
    USER_EMAIL_CACHE_TTL_MS: env.int(600_000, 0),
    /** The sender of every email; in AWS an SES-verified identity (or an address of a verified domain). */
    EMAIL_FROM: z.string().min(3).default('MicroPay <no-reply@micropay.local>'),
    /** `file`: each email is an .eml under <MICROPAY_DATA_DIR>/mail (npm start, tests); `ses`: SES v2 SendEmail. */
    EMAIL_TRANSPORT: z.enum(['file', 'ses']).default('file'),
    /** Another SES v2 endpoint (an emulator); unset: the SDK's own (AWS_ENDPOINT_URL, else AWS's regional one). */
    AWS_ENDPOINT_URL_SESV2: env.url().optional(),
    /** The SES configuration set whose event destination sends bounces and complaints to the feedback topic. */
    SES_CONFIGURATION_SET: z.string().min(1).optional(),
    /** The SQS queue subscribed to the SES feedback topic (bounces, complaints): those addresses are suppressed. */
    SES_FEEDBACK_SQS_QUEUE_URL: env.url().optional(),
    /** SNS platform applications; a platform without one keeps its devices local (pushes recorded, not sent). */
    PUSH_PLATFORM_APPLICATION_ARN_APNS: platformApplicationArn(['APNS', 'APNS_SANDBOX']),
    PUSH_PLATFORM_APPLICATION_ARN_FCM: platformApplicationArn(['GCM']),
    /** Seconds between email and push attempts; the tests use 1,1. */
    CHANNEL_RETRY_SCHEDULE: retrySchedule.default(DEFAULT_CHANNEL_RETRY_SCHEDULE),
    /** How often the channel job looks for due email and push attempts (it is also woken by new events). */
    CHANNEL_POLL_INTERVAL_MS: env.int(1000, 10),
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
    clientCredentials:
      e.OAUTH_CLIENT_ID && e.OAUTH_CLIENT_SECRET
        ? { tokenUrl: e.OAUTH_TOKEN_URL, clientId: e.OAUTH_CLIENT_ID, clientSecret: e.OAUTH_CLIENT_SECRET }
        : undefined,
    peerTimeoutMs: e.PEER_TIMEOUT_MS,
    email: {
      from: e.EMAIL_FROM,
      transport: e.EMAIL_TRANSPORT,
      mailDir: path.resolve(e.MICROPAY_DATA_DIR, 'mail'),
      sesEndpoint: e.AWS_ENDPOINT_URL_SESV2,
      configurationSet: e.SES_CONFIGURATION_SET,
      feedbackQueueUrl: e.SES_FEEDBACK_SQS_QUEUE_URL,
      addressCacheTtlMs: e.USER_EMAIL_CACHE_TTL_MS,
    },
    push: { apns: e.PUSH_PLATFORM_APPLICATION_ARN_APNS, fcm: e.PUSH_PLATFORM_APPLICATION_ARN_FCM },
    channels: { retrySchedule: e.CHANNEL_RETRY_SCHEDULE, pollIntervalMs: e.CHANNEL_POLL_INTERVAL_MS },
  }));

export type Config = z.output<typeof configSchema>;
