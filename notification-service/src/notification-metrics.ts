import type { Metrics } from '@micropay/platform';
import type { DeliveryObserver } from './domain/event-consumer';

/**
 * The notification metrics the dashboards chart (charts/micropay/dashboards/notifications.json):
 * deliveries by channel and outcome, and events that failed (the producer retries those).
 */
export function deliveryMetrics(metrics: Metrics): DeliveryObserver {
  const deliveries = metrics.counter(
    'notification_deliveries_total',
    'Notifications by channel and outcome: delivered (stored for the person), duplicate (redelivered event, not stored again), failed (not stored; the event is retried by its producer).',
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
