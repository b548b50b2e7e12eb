import { auth, defineRoute, EVENTS_PATH } from '@micropay/platform';
import { z } from 'zod';
import type { EventConsumer } from '../domain/event-consumer';
import type { EventMetrics } from '../metrics';
import { EventBody } from './schemas';

/** Where events arrive locally (HTTP push from each producer's outbox relay; SQS in AWS). */
export function eventRoutes(consumer: EventConsumer, { consumed, created }: EventMetrics) {
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
        const { fresh, notifications } = await consumer.consume(body);
        consumed.inc({ type: body.type, duplicate: String(!fresh) });
        if (notifications > 0) created.inc({ type: body.type, channel: 'in_app' }, notifications);
        return { status: 202, body: { received: true, duplicate: !fresh } };
      },
    }),
  ];
}
