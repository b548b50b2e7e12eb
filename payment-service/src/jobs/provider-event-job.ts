import { periodicJob, type Logger, type PeriodicJob } from '@micropay/platform';
import type { ProviderWebhooks } from '../domain/provider-webhooks';

/** Applies recorded provider webhooks: woken by the webhook route, and every second after a crash. */
export function providerEventJob(webhooks: ProviderWebhooks, logger: Logger, intervalMs = 1000): PeriodicJob {
  return periodicJob('provider-events', intervalMs, () => webhooks.processPending(), logger);
}
