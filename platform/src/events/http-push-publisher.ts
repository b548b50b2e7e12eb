import type { PeerClient } from '../http-client/peer-client';
import type { EventEnvelope } from './event-envelope';
import type { EventPublisher } from './outbox';

/** Where the local HTTP transport delivers events on each subscriber. */
export const EVENTS_PATH = '/internal/events';

/**
 * The local stand-in for SNS → SQS: pushes each event to every subscriber's
 * `POST /internal/events` through its peer client (breaker, timeout, client-credentials token).
 * An event counts as published when every subscriber accepted it; a retry may redeliver to
 * subscribers that already had it, which their inbox ignores.
 */
export class HttpPushPublisher implements EventPublisher {
  constructor(private readonly subscribers: PeerClient[]) {}

  async publish(event: EventEnvelope): Promise<void> {
    for (const subscriber of this.subscribers) {
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
}
