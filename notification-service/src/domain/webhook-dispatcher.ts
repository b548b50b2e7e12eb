import type { Logger } from '@micropay/platform';
import { DISABLE_AFTER_FAILING_MS, nextDelaySeconds, parseRetryAfter } from './retry-schedule';
import type { AttemptOutcome, DeliveryObserver, WebhookSender, WebhookStore } from './ports';
import { WebhookSendError } from './ports';
import type { WebhookDelivery, WebhookEndpoint } from './webhook-endpoint';
import { signedHeaders } from './webhook-signing';

export interface WebhookDispatcherOptions {
  store: WebhookStore;
  sender: WebhookSender;
  logger: Logger;
  observer: DeliveryObserver;
  /** Seconds between attempts (WEBHOOK_RETRY_SCHEDULE); attempts = its length + 1. */
  retrySchedule: number[];
  batchSize?: number;
  /** Longer than one attempt can take (the sender's timeout), so a lease never ends mid-attempt. */
  leaseSeconds?: number;
  now?: () => Date;
}

/** Sends queued webhook deliveries: signs, posts, records the attempt, and decides what comes next. */
export class WebhookDispatcher {
  constructor(private readonly options: WebhookDispatcherOptions) {}

  /** One pass over due deliveries; true when a full batch was claimed (there may be more). */
  async dispatchDue(): Promise<boolean> {
    const batchSize = this.options.batchSize ?? 20;
    const claimed = await this.options.store.claimDue(batchSize, this.options.leaseSeconds ?? 60);
    await Promise.all(claimed.map(({ delivery, endpoint }) => this.attempt(delivery, endpoint)));
    return claimed.length === batchSize;
  }

  /** Resends one delivery now (POST …/deliveries/{id}/retry); undefined when there is no such delivery. */
  async retryNow(ownerId: string, endpointId: string, deliveryId: string) {
    const claimed = await this.options.store.claimOne(ownerId, endpointId, deliveryId, this.options.leaseSeconds ?? 60);
    if (!claimed) return undefined;
    await this.attempt(claimed.delivery, claimed.endpoint);
    return this.options.store.findDelivery(ownerId, endpointId, deliveryId);
  }

  private async attempt(delivery: WebhookDelivery, endpoint: WebhookEndpoint): Promise<void> {
    const { store, sender, logger, observer } = this.options;
    const now = this.options.now?.() ?? new Date();
    let outcome: AttemptOutcome;
    if (endpoint.status === 'disabled') {
      outcome = {
        attempt: { attemptedAt: now, statusCode: null, durationMs: 0, error: 'endpoint disabled', nextAttemptAt: null },
        status: 'failed',
        failing: 'keep',
      };
    } else {
      const secrets = [endpoint.secret];
      if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now)
        secrets.push(endpoint.previousSecret);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'MicroPay-Webhooks/1.0',
        ...signedHeaders(secrets, delivery.eventId, now, delivery.payload),
      };
      try {
        const response = await sender.send(endpoint.url, headers, delivery.payload);
        outcome = this.decide(
          delivery,
          endpoint,
          now,
          response.statusCode,
          response.durationMs,
          null,
          response.retryAfter,
        );
      } catch (error) {
        const durationMs = error instanceof WebhookSendError ? error.durationMs : 0;
        outcome = this.decide(delivery, endpoint, now, null, durationMs, (error as Error).message);
      }
    }
    await store.recordAttempt(delivery, endpoint, outcome);
    observer.deliveries(
      'webhook',
      outcome.status === 'succeeded' ? 'delivered' : outcome.status === 'pending' ? 'retrying' : 'failed',
      1,
    );
    logger.info(
      {
        delivery_id: delivery.id,
        endpoint_id: endpoint.id,
        event_id: delivery.eventId,
        status_code: outcome.attempt.statusCode,
        outcome: outcome.status,
        error: outcome.attempt.error,
        disabled: outcome.disable,
      },
      'webhook attempt',
    );
  }

  private decide(
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    now: Date,
    statusCode: number | null,
    durationMs: number,
    error: string | null,
    retryAfterHeader?: string,
  ): AttemptOutcome {
    const attempt = { attemptedAt: now, statusCode, durationMs, error, nextAttemptAt: null as Date | null };
    if (statusCode !== null && statusCode >= 200 && statusCode < 300)
      return { attempt, status: 'succeeded', failing: 'clear' };
    // 410 Gone: the receiver says the endpoint no longer exists; stop sending to it at all.
    if (statusCode === 410) return { attempt, status: 'failed', failing: 'keep', disable: 'gone' };
    const failingSince = endpoint.failingSince ?? now;
    if (now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS)
      return { attempt, status: 'failed', failing: 'keep', disable: 'failing' };
    const retryAfter =
      statusCode === 429 || statusCode === 503 ? parseRetryAfter(retryAfterHeader, now.getTime()) : undefined;
    const delay = nextDelaySeconds(this.options.retrySchedule, delivery.attempts + 1, retryAfter);
    const failing = endpoint.failingSince ? 'keep' : 'start';
    if (delay === null) return { attempt, status: 'failed', failing };
    attempt.nextAttemptAt = new Date(now.getTime() + delay * 1000);
    return { attempt, status: 'pending', failing };
  }
}
