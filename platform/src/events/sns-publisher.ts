import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { EventEnvelope } from './event-envelope';
import type { EventPublisher } from './outbox';

/**
 * The AWS transport's publisher: each outbox event becomes one SNS message on the service's
 * topic. The body is the envelope as JSON; `event_type` and `event_id` travel as message
 * attributes, so a subscription's filter policy can pick the types its consumer wants and SQS
 * consumers can log an event before parsing it.
 */
export class SnsPublisher implements EventPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(event: EventEnvelope): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(event),
        MessageAttributes: {
          event_type: { DataType: 'String', StringValue: event.type },
          event_id: { DataType: 'String', StringValue: event.id },
          source: { DataType: 'String', StringValue: event.source },
        },
      }),
    );
  }
}
