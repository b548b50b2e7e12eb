import {
  auth,
  defineRoute,
  EVENT_BATCHES_PATH,
  EVENT_BATCH_SIZE,
  EventBatchResult,
  EVENTS_PATH,
  type Logger,
} from '@micropay/platform';
import { z } from 'zod';
import type { Consumed, EventConsumer } from '../domain/event-consumer';
import type { EventMetrics } from '../metrics';
import { EventBody } from './schemas';

/** Where events arrive locally (HTTP push from each producer's outbox relay; SQS in AWS). */
export function eventRoutes(consumer: EventConsumer, { consumed, created }: EventMetrics, logger: Logger) {
  const count = (event: z.output<typeof EventBody>, { fresh, notifications }: Consumed) => {
    consumed.inc({ type: event.type, duplicate: String(!fresh) });
    if (notifications > 0) created.inc({ type: event.type, channel: 'in_app' }, notifications);
    return fresh;
  };
  return [
    defineRoute({
      method: 'post',
      path: EVENTS_PATH,
      operationId: 'receiveEvent',
      summary: 'Receive an event (service clients with events:publish)',
      description: 'At-least-once delivery: a redelivered event is acknowledged again and changes nothing.',
      tags: ['events'],
      internal: true,
      auth: auth.client('events:publish'),
      request: { body: EventBody },
      responses: {
        202: {
          description: 'Accepted (processed now, or already before).',
          schema: z.object({ received: z.literal(true), duplicate: z.boolean() }),
        },
      },
      async handler({ body }) {
        const fresh = count(body, await consumer.consume(body));
        return { status: 202, body: { received: true, duplicate: !fresh } };
      },
    }),
    defineRoute({
      method: 'post',
      path: EVENT_BATCHES_PATH,
      operationId: 'receiveEventBatch',
      summary: 'Receive several events at once (service clients with events:publish)',
      description:
        `Up to ${EVENT_BATCH_SIZE * 5} events, processed in order in one transaction (each on its own if that fails): ` +
        'the answer says for each ' +
        'whether it was accepted, a duplicate, or failed (the producer retries only those). A malformed event ' +
        'refuses the whole batch with 400, and the producer then sends its events one by one.',
      tags: ['events'],
      internal: true,
      auth: auth.client('events:publish'),
      request: {
        body: z.object({
          events: z
            .array(EventBody)
            .min(1)
            .max(EVENT_BATCH_SIZE * 5),
        }),
      },
      responses: { 200: { description: 'One result per event, in the order sent.', schema: EventBatchResult } },
      async handler({ body }) {
        const outcomes = await consumer.consumeBatch(body.events);
        const data: EventBatchResult['data'] = body.events.map((event, i) => {
          const outcome = outcomes[i]!;
          if (!('error' in outcome)) return { id: event.id, status: count(event, outcome) ? 'accepted' : 'duplicate' };
          logger.warn({ err: outcome.error, event_id: event.id, event_type: event.type }, 'event in a batch failed');
          return {
            id: event.id,
            status: 'failed',
            error: { code: 'event_failed', message: String(outcome.error.message).slice(0, 500) },
          };
        });
        return { status: 200, body: { object: 'list', data } };
      },
    }),
  ];
}
