import { periodicJob, type Logger, type PeriodicJob } from '@micropay/platform';
import type { WebhookDispatcher } from '../domain/webhook-dispatcher';

/** Sends due webhook attempts every `intervalMs`, and at once when an event queued deliveries. */
export function webhookDeliveryJob(dispatcher: WebhookDispatcher, intervalMs: number, logger: Logger): PeriodicJob {
  return periodicJob('webhook-delivery', intervalMs, () => dispatcher.dispatchDue(), logger);
}
