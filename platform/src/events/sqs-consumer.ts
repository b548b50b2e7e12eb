import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics';
import { EventEnvelopeSchema, type EventEnvelope } from './event-envelope';

export interface SqsEventConsumerOptions<T = EventEnvelope> {
  client: SQSClient;
  queueUrl: string;
  /**
   * Applies one event and resolves once its effects (and inbox row) are committed; a rejection
   * leaves the message in the queue, to be received again after its visibility timeout.
   */
  handle(event: T): Promise<void>;
  /**
   * Reads a message body; undefined leaves the message for the dead-letter queue. Default: an
   * event envelope, raw or inside SNS's notification JSON (another queue, such as SES
   * feedback, brings its own).
   */
  parse?: (body: string) => T | undefined;
  /** The `queue` label of the consumer's metrics and logs (default `events`). */
  label?: string;
  /** Log fields naming a parsed message (default: the event's id and type). */
  describe?: (message: T) => Record<string, unknown>;
  logger: Logger;
  metrics: Metrics;
  /** Long polling: how long one receive waits for messages (SQS allows up to 20 s). */
  waitTimeSeconds?: number;
  /** How long a received message stays invisible to other consumers; longer than a batch takes. */
  visibilityTimeoutSeconds?: number;
  /** Messages per receive (SQS allows up to 10). */
  batchSize?: number;
}

/**
 * Consumes a service's SQS queue (the AWS side of docs/contract.md §6). A message is deleted
 * only after its handler committed, so a crash at any point means redelivery, never loss; the
 * inbox makes the redelivery harmless. A message that keeps failing (unparseable, or a handler
 * that always throws) is not deleted: the queue's redrive policy moves it to the dead-letter
 * queue after maxReceiveCount receives, and the other messages of its batch go on.
 */
export class SqsEventConsumer<T = EventEnvelope> {
  private running?: Promise<void>;
  private abort?: AbortController;
  private readonly received;
  private readonly failed;

  constructor(private readonly options: SqsEventConsumerOptions<T>) {
    this.received = options.metrics.counter(
      'sqs_messages_received_total',
      'Messages received from an SQS queue (`events`, or `ses_feedback` in notification-service), by outcome.',
      ['queue', 'outcome'],
    );
    this.failed = options.metrics.counter(
      'sqs_receive_errors_total',
      'Failed ReceiveMessage calls (the loop waits and polls again).',
      ['queue'],
    );
  }

  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.loop(this.abort.signal);
  }

  /** Graceful stop (SIGTERM): ends the long poll and waits for the batch in hand to finish. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
    this.running = undefined;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.pollOnce(signal);
      } catch (error) {
        if (signal.aborted) break;
        this.failed.inc({ queue: this.queue });
        this.options.logger.error({ err: error, queue: this.options.queueUrl }, 'SQS receive failed');
        await new Promise((resolve) => setTimeout(resolve, 1000).unref());
      }
    }
  }

  /** One receive and its batch; returns how many messages were processed and deleted. */
  async pollOnce(signal?: AbortSignal): Promise<number> {
    const { client, queueUrl } = this.options;
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: this.options.batchSize ?? 10,
        WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
        VisibilityTimeout: this.options.visibilityTimeoutSeconds ?? 60,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
      { abortSignal: signal },
    );
    // Handled one after another: a batch is at most 10 and ordering within it stays readable in logs.
    const done: Message[] = [];
    for (const message of Messages) {
      if (await this.process(message)) done.push(message);
    }
    if (done.length > 0) {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    return done.length;
  }

  private async process(message: Message): Promise<boolean> {
    const receives = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
    const parse = this.options.parse ?? (parseMessage as unknown as (body: string) => T | undefined);
    const event = parse(message.Body ?? '');
    if (!event) {
      this.received.inc({ queue: this.queue, outcome: 'invalid' });
      this.options.logger.error(
        { message_id: message.MessageId, receives },
        this.options.parse ? 'SQS message is not one this queue takes' : 'SQS message is not an event envelope',
      );
      return false;
    }
    try {
      await this.options.handle(event);
      this.received.inc({ queue: this.queue, outcome: 'processed' });
      return true;
    } catch (error) {
      this.received.inc({ queue: this.queue, outcome: 'failed' });
      this.options.logger.warn(
        { err: error, ...this.describe(event), receives },
        this.options.parse
          ? 'message processing failed; SQS redelivers it'
          : 'event processing failed; SQS redelivers it',
      );
      return false;
    }
  }

  private get queue(): string {
    return this.options.label ?? 'events';
  }

  private describe(message: T): Record<string, unknown> {
    if (this.options.describe) return this.options.describe(message);
    const event = message as unknown as EventEnvelope;
    return { event_id: event.id, event_type: event.type };
  }
}

/** The envelope inside an SQS body: SNS's notification JSON, or the envelope itself with raw delivery. */
export function parseMessage(body: string): EventEnvelope | undefined {
  try {
    let parsed = JSON.parse(body) as Record<string, unknown>;
    if (parsed.Type === 'Notification' && typeof parsed.Message === 'string') parsed = JSON.parse(parsed.Message);
    const envelope = EventEnvelopeSchema.safeParse(parsed);
    return envelope.success ? envelope.data : undefined;
  } catch {
    return undefined;
  }
}
