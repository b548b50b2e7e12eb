import type { Metrics } from '@micropay/platform';
import type { DeliveryObserver } from './domain/ports';

/**
 * The notification metrics the dashboards chart (charts/micropay/dashboards/notifications.json):
 * deliveries by channel and outcome, and events that failed (the producer retries those).
 */
export function deliveryMetrics(metrics: Metrics): DeliveryObserver {
  const deliveries = metrics.counter(
    'notification_deliveries_total',
    'Notifications by channel (in_app, email, push, webhook) and outcome: delivered (stored, sent by SES/SNS, or accepted by the receiver), duplicate (redelivered event, not stored again), retrying (an attempt failed, another is scheduled), failed (given up, or a disabled push endpoint; for in_app, not stored and retried by the producer), suppressed (an email to an address that bounced or complained, not sent).',
    ['channel', 'outcome'],
  );
  const failures = metrics.counter(
    'events_failed_total',
    'Events that could not be processed, by type and reason (invalid_data, store_error); answered with an error so the producer retries.',
    ['type', 'reason'],
  );
  return {
    deliveries: (channel, outcome, count) => deliveries.inc({ channel, outcome }, count),
    eventFailed: (type, reason) => failures.inc({ type, reason }),
  };
}

/** Events received over the local HTTP transport, and the notifications they made. */
export function eventMetrics(metrics: Metrics) {
  return {
    consumed: metrics.counter('events_consumed_total', 'Events received, by type and whether they were duplicates.', [
      'type',
      'duplicate',
    ]),
    created: metrics.counter('notifications_created_total', 'Notifications created, by event type and channel.', [
      'type',
      'channel',
    ]),
  };
}

export type EventMetrics = ReturnType<typeof eventMetrics>;
