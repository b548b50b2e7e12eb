import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { env } from '../config/load-config';
import type { PeerClient } from '../http-client/peer-client';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/metrics';
import type { EventEnvelope } from './event-envelope';
import { HttpPushPublisher } from './http-push-publisher';
import type { EventPublisher } from './outbox';
import { SnsPublisher } from './sns-publisher';
import { SqsEventConsumer } from './sqs-consumer';

/**
 * Keys that pick the event transport (docs/contract.md §2, §6). Unset: HTTP push, as with
 * `npm start`. The SDK clients find their endpoints in AWS_ENDPOINT_URL_SNS / _SQS /
 * AWS_ENDPOINT_URL by themselves, so an emulator needs no setting of ours.
 */
export const eventTransportEnv = {
  AWS_REGION: z.string().min(1).default('us-east-1'),
  EVENTS_SNS_TOPIC_ARN: z
    .string()
    .regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/, 'must be an SNS topic ARN')
    .optional(),
  EVENTS_SQS_QUEUE_URL: env.url().optional(),
  /** How long a received message stays invisible; longer than processing a batch of 10 takes. */
  EVENTS_SQS_VISIBILITY_TIMEOUT_SECONDS: env.int(60, 1),
};

export interface EventTransportConfig {
  region: string;
  snsTopicArn?: string;
  sqsQueueUrl?: string;
  sqsVisibilityTimeoutSeconds: number;
}

export function eventTransportConfig(e: z.output<z.ZodObject<typeof eventTransportEnv>>): EventTransportConfig {
  return {
    region: e.AWS_REGION,
    snsTopicArn: e.EVENTS_SNS_TOPIC_ARN,
    sqsQueueUrl: e.EVENTS_SQS_QUEUE_URL,
    sqsVisibilityTimeoutSeconds: e.EVENTS_SQS_VISIBILITY_TIMEOUT_SECONDS,
  };
}

/** The outbox relay's publisher: SNS when a topic is configured, otherwise HTTP push to the subscribers. */
export function eventPublisher(config: EventTransportConfig, subscribers: PeerClient[]): EventPublisher {
  if (config.snsTopicArn) return new SnsPublisher(new SNSClient({ region: config.region }), config.snsTopicArn);
  return new HttpPushPublisher(subscribers);
}

/**
 * The service's SQS consumer when a queue is configured (undefined locally, where events arrive
 * on POST /internal/events instead). The caller starts it and stops it on shutdown.
 */
export function sqsEventConsumer(
  config: EventTransportConfig,
  handle: (event: EventEnvelope) => Promise<void>,
  deps: { logger: Logger; metrics: Metrics },
): SqsEventConsumer | undefined {
  if (!config.sqsQueueUrl) return undefined;
  return new SqsEventConsumer({
    client: new SQSClient({ region: config.region }),
    queueUrl: config.sqsQueueUrl,
    visibilityTimeoutSeconds: config.sqsVisibilityTimeoutSeconds,
    handle,
    ...deps,
  });
}
