import {
  createTokenVerifier,
  sqsEventConsumer,
  type PeriodicJob,
  type ServiceInfrastructure,
  type SqsEventConsumer,
  type TokenVerifier,
} from '@micropay/platform';
import type { Config } from './config';
import { HttpWebhookSender } from './adapters/http-webhook-sender';
import type { Resolver } from './adapters/address-guard';
import { NotificationRepository } from './data/notification-repository';
import { WebhookRepository } from './data/webhook-repository';
import { EventConsumer } from './domain/event-consumer';
import type { WebhookSender } from './domain/ports';
import { WebhookDispatcher } from './domain/webhook-dispatcher';
import { WebhookEndpoints } from './domain/webhook-endpoints';
import { webhookDeliveryJob } from './jobs/webhook-delivery-job';
import { deliveryMetrics, eventMetrics, type EventMetrics } from './metrics';

export type Infrastructure = ServiceInfrastructure<Config>;

export interface Dependencies extends Infrastructure {
  notifications: NotificationRepository;
  consumer: EventConsumer;
  eventMetrics: EventMetrics;
  verifier: TokenVerifier;
  webhookEndpoints: WebhookEndpoints;
  dispatcher: WebhookDispatcher;
  webhookJob: PeriodicJob;
  /** Set when EVENTS_SQS_QUEUE_URL is: the AWS transport's consumer of this service's queue. */
  sqsConsumer?: SqsEventConsumer;
}

export interface Overrides {
  verifier?: TokenVerifier;
  /** The tests stub DNS for the SSRF guard, or replace the sender. */
  resolver?: Resolver;
  webhookSender?: WebhookSender;
}

/** Wires repositories and domain services; shared by main.ts and the tests. */
export function createDependencies(infra: Infrastructure, overrides: Overrides = {}): Dependencies {
  const { config, db, logger, metrics } = infra;
  const notifications = new NotificationRepository(db.knex);
  const webhooks = new WebhookRepository(db.knex);
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
  const consumer = new EventConsumer(notifications, logger, observer, () => webhookJob.wake());
  return {
    ...infra,
    notifications,
    eventMetrics: eventMetrics(metrics),
    consumer,
    verifier: overrides.verifier ?? createTokenVerifier({ ...config.auth, logger: infra.logger }),
    webhookEndpoints: new WebhookEndpoints(webhooks),
    dispatcher,
    webhookJob,
    sqsConsumer: sqsEventConsumer(config.events, async (event) => void (await consumer.consume(event)), {
      logger,
      metrics,
    }),
  };
}
