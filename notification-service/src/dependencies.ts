import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  clientCredentialsTokenSource,
  createTokenVerifier,
  discoveryFromConfig,
  PeerClient,
  sqsEventConsumer,
  SqsEventConsumer,
  type AccessTokenSource,
  type PeriodicJob,
  type ServiceInfrastructure,
  type TokenVerifier,
} from '@micropay/platform';
import type { Config } from './config';
import { AuthUserDirectory } from './adapters/auth-user-directory';
import { EmlFileEmailSender } from './adapters/eml-file-email-sender';
import { HttpWebhookSender } from './adapters/http-webhook-sender';
import type { Resolver } from './adapters/address-guard';
import { SesEmailSender } from './adapters/ses-email-sender';
import { SnsPushSender } from './adapters/sns-push-sender';
import { ChannelRepository } from './data/channel-repository';
import { NotificationRepository } from './data/notification-repository';
import { WebhookRepository } from './data/webhook-repository';
import { ChannelDispatcher } from './domain/channel-dispatcher';
import { Devices } from './domain/devices';
import { applySesFeedback, parseSesFeedback, type SesFeedback } from './domain/email-feedback';
import { EventConsumer } from './domain/event-consumer';
import type { EmailSender, WebhookSender } from './domain/ports';
import { WebhookDispatcher } from './domain/webhook-dispatcher';
import { WebhookEndpoints } from './domain/webhook-endpoints';
import { channelDeliveryJob } from './jobs/channel-delivery-job';
import { webhookDeliveryJob } from './jobs/webhook-delivery-job';
import { deliveryMetrics, eventMetrics, type EventMetrics } from './metrics';

export type Infrastructure = ServiceInfrastructure<Config>;

export interface Dependencies extends Infrastructure {
  notifications: NotificationRepository;
  channels: ChannelRepository;
  consumer: EventConsumer;
  eventMetrics: EventMetrics;
  verifier: TokenVerifier;
  webhookEndpoints: WebhookEndpoints;
  dispatcher: WebhookDispatcher;
  webhookJob: PeriodicJob;
  devices: Devices;
  channelDispatcher: ChannelDispatcher;
  channelJob: PeriodicJob;
  /** auth-service, where users' email addresses come from. */
  authPeer: PeerClient;
  /** Set when EVENTS_SQS_QUEUE_URL is: the AWS transport's consumer of this service's queue. */
  sqsConsumer?: SqsEventConsumer;
  /** Set when SES_FEEDBACK_SQS_QUEUE_URL is: bounces and complaints from SES, through SNS. */
  feedbackConsumer?: SqsEventConsumer<SesFeedback>;
}

export interface Overrides {
  verifier?: TokenVerifier;
  /** The tests stub DNS for the SSRF guard, or replace the sender. */
  resolver?: Resolver;
  webhookSender?: WebhookSender;
  /** The tests give a test issuer's client tokens instead of a token endpoint. */
  tokens?: AccessTokenSource;
  emailSender?: EmailSender;
}

/** Wires repositories and domain services; shared by main.ts and the tests. */
export function createDependencies(infra: Infrastructure, overrides: Overrides = {}): Dependencies {
  const { config, db, logger, metrics } = infra;
  const notifications = new NotificationRepository(db.knex);
  const webhooks = new WebhookRepository(db.knex);
  const channels = new ChannelRepository(db.knex);
  const observer = deliveryMetrics(metrics);
  const dispatcher = new WebhookDispatcher({
    store: webhooks,
    sender:
      overrides.webhookSender ??
      new HttpWebhookSender({
        allowPrivate: config.webhooks.allowPrivateUrls,
        timeoutMs: config.webhooks.timeoutMs,
        resolve: overrides.resolver,
      }),
    logger,
    observer,
    retrySchedule: config.webhooks.retrySchedule,
    leaseSeconds: Math.ceil(config.webhooks.timeoutMs / 1000) * 2 + 5,
  });
  const webhookJob = webhookDeliveryJob(dispatcher, config.webhooks.pollIntervalMs, logger);

  const tokens =
    overrides.tokens ??
    (config.clientCredentials &&
      clientCredentialsTokenSource({ ...config.clientCredentials, timeoutMs: config.peerTimeoutMs }));
  const authPeer = new PeerClient({
    target: 'auth-service',
    discovery: discoveryFromConfig(config.discovery, logger),
    metrics,
    logger,
    tokens,
    timeoutMs: config.peerTimeoutMs,
  });
  // SDK clients find their endpoints in AWS_ENDPOINT_URL_SESV2 / _SNS / AWS_ENDPOINT_URL themselves.
  const region = config.events.region;
  const emailSender =
    overrides.emailSender ??
    (config.email.transport === 'ses'
      ? new SesEmailSender(
          new SESv2Client({ region, endpoint: config.email.sesEndpoint }),
          config.email.configurationSet,
        )
      : new EmlFileEmailSender(config.email.mailDir));
  const pushSender = new SnsPushSender(
    config.push.apns || config.push.fcm ? new SNSClient({ region }) : undefined,
    config.push,
  );
  const channelDispatcher = new ChannelDispatcher({
    store: channels,
    email: emailSender,
    push: pushSender,
    users: new AuthUserDirectory(authPeer, { ttlMs: config.email.addressCacheTtlMs }),
    from: config.email.from,
    logger,
    observer,
    retrySchedule: config.channels.retrySchedule,
    // An attempt is an address lookup (with the peer's retries) and one send.
    leaseSeconds: Math.ceil((config.peerTimeoutMs * 4) / 1000) + 60,
  });
  const channelJob = channelDeliveryJob(channelDispatcher, config.channels.pollIntervalMs, logger);

  const consumer = new EventConsumer(
    notifications,
    logger,
    observer,
    () => webhookJob.wake(),
    () => channelJob.wake(),
  );
  if (!tokens) logger.warn('no OAUTH_CLIENT_ID/OAUTH_CLIENT_SECRET: email addresses cannot be looked up');
  return {
    ...infra,
    notifications,
    channels,
    eventMetrics: eventMetrics(metrics),
    consumer,
    verifier: overrides.verifier ?? createTokenVerifier({ ...config.auth, logger: infra.logger }),
    webhookEndpoints: new WebhookEndpoints(webhooks),
    dispatcher,
    webhookJob,
    devices: new Devices(channels, pushSender),
    channelDispatcher,
    channelJob,
    authPeer,
    sqsConsumer: sqsEventConsumer(config.events, async (event) => void (await consumer.consume(event)), {
      logger,
      metrics,
    }),
    feedbackConsumer: config.email.feedbackQueueUrl
      ? new SqsEventConsumer<SesFeedback>({
          client: new SQSClient({ region }),
          queueUrl: config.email.feedbackQueueUrl,
          label: 'ses_feedback',
          parse: parseSesFeedback,
          describe: (f) => ({ feedback: f.kind }),
          handle: async (feedback) => {
            const suppressed = await applySesFeedback(channels, feedback);
            if (suppressed > 0) logger.warn({ feedback: feedback.kind, suppressed }, 'email addresses suppressed');
          },
          visibilityTimeoutSeconds: config.events.sqsVisibilityTimeoutSeconds,
          logger,
          metrics,
        })
      : undefined,
  };
}
