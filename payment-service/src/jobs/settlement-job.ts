import { periodicJob, type PeriodicJob } from '@micropay/platform';
import type { Dependencies } from '../dependencies';

/**
 * Finishes what payments and refunds still owe the ledger or the provider (a peer was down, an
 * answer was lost), each on its own backoff, soonest due first: a payment that keeps failing
 * waits longer and longer without holding up the others.
 */
export function settlementJob(deps: Dependencies, intervalMs = deps.config.settlementIntervalMs): PeriodicJob {
  return periodicJob(
    'settlement',
    intervalMs,
    async () => {
      const morePayments = await deps.payments.workDue();
      const moreRefunds = await deps.refunds.workDue();
      return morePayments || moreRefunds;
    },
    deps.logger,
  );
}
