import { periodicJob, type PeriodicJob } from '@micropay/platform';
import type { Dependencies } from '../dependencies';

/** Compares ended payments and refunds with the ledger; drift goes to reconciliation_findings and a metric. */
export function reconciliationJob(deps: Dependencies, intervalMs = deps.config.reconciliationIntervalMs): PeriodicJob {
  return periodicJob(
    'reconciliation',
    intervalMs,
    async () => (await deps.reconciliation.run()).checked === 100,
    deps.logger,
  );
}
