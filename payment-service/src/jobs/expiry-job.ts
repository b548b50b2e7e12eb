import { periodicJob, type PeriodicJob } from '@micropay/platform';
import type { Dependencies } from '../dependencies';

/** Cancels Pix and boletos past expires_at (after the provider withdrew them) and releases lapsed authorisations. */
export function expiryJob(deps: Dependencies, intervalMs = deps.config.expiryIntervalMs): PeriodicJob {
  return periodicJob('payment-expiry', intervalMs, () => deps.payments.expireDue(), deps.logger);
}
