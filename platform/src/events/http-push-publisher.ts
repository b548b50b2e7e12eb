import { z } from 'zod';
import type { PeerClient } from '../http-client/peer-client';
import type { EventEnvelope } from './event-envelope';
import { failureOf, type EventPublisher } from './outbox';

/** Where the local HTTP transport delivers events on each subscriber. */
export const EVENTS_PATH = '/internal/events';
/** The same, several events per request (in order); each answered on its own. */
export const EVENT_BATCHES_PATH = '/internal/event-batches';
/** Events per batch request: small enough that a consumer answers well within the peer timeout. */
export const EVENT_BATCH_SIZE = 20;

/** A subscriber's answer to a batch: one result per event, in the order sent. */
export const EventBatchResult = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      id: z.string(),
      status: z.enum(['accepted', 'duplicate', 'failed']),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});
export type EventBatchResult = z.infer<typeof EventBatchResult>;

/**
 * The local stand-in for SNS → SQS: pushes events to every subscriber through its peer client
 * (breaker, timeout, client-credentials token), a batch per request on `POST
 * /internal/event-batches`. An event counts as published when every subscriber accepted it; a
 * retry may redeliver to subscribers that already had it, which their inbox ignores. A
 * subscriber that refuses the batch as a whole (400: one malformed event; 404: a consumer older
 * than batches) gets the events one by one on `POST /internal/events`, so one bad event fails
 * alone and never holds back the rest.
 */
export class HttpPushPublisher implements EventPublisher {
  constructor(private readonly subscribers: PeerClient[]) {}

  async publish(event: EventEnvelope): Promise<void> {
    for (const subscriber of this.subscribers) await this.publishTo(subscriber, event);
  }

  async publishBatch(events: EventEnvelope[]): Promise<Array<Error | undefined>> {
    const outcomes: Array<Error | undefined> = events.map(() => undefined);
    for (let start = 0; start < events.length; start += EVENT_BATCH_SIZE) {
      const chunk = events.slice(start, start + EVENT_BATCH_SIZE);
      for (const subscriber of this.subscribers) {
        const failures = await this.batchTo(subscriber, chunk);
        failures.forEach((failure, i) => {
          if (failure) outcomes[start + i] ??= failure;
        });
      }
    }
    return outcomes;
  }

  private async batchTo(subscriber: PeerClient, events: EventEnvelope[]): Promise<Array<Error | undefined>> {
    let response;
    try {
      response = await subscriber.request({
        method: 'POST',
        path: EVENT_BATCHES_PATH,
        body: { events },
        // Each event is keyed by its id on the consumer (its inbox); the request itself is safe to repeat.
        idempotencyKey: `batch:${events[0]!.id}:${events.length}`,
      });
    } catch (error) {
      return events.map(() => error as Error);
    }
    if (response.status === 400 || response.status === 404) {
      const outcomes: Array<Error | undefined> = [];
      for (const event of events) outcomes.push(await failureOf(this.publishTo(subscriber, event)));
      return outcomes;
    }
    const parsed = response.status === 200 ? EventBatchResult.safeParse(response.body) : undefined;
    if (!parsed?.success || parsed.data.data.length !== events.length) {
      const refused = new Error(
        `${subscriber.target} refused a batch of ${events.length} events: ${response.status} ${JSON.stringify(response.body)}`,
      );
      return events.map(() => refused);
    }
    return parsed.data.data.map((result, i) =>
      result.status === 'failed' || result.id !== events[i]!.id
        ? new Error(`${subscriber.target} failed event ${events[i]!.id}: ${result.error?.message ?? 'out of order'}`)
        : undefined,
    );
  }

  private async publishTo(subscriber: PeerClient, event: EventEnvelope): Promise<void> {
    const response = await subscriber.request({
      method: 'POST',
      path: EVENTS_PATH,
      body: event,
      idempotencyKey: event.id,
    });
    if (response.status >= 300) {
      throw new Error(
        `${subscriber.target} refused event ${event.id}: ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
  }
}
