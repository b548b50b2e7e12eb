import { periodicJob, type PeriodicJob } from '@micropay/platform';
import type { Dependencies } from '../dependencies';

/** Compares ended payments and refunds with the ledger; drift goes to reconciliation_findings and a metric. */
export function reconciliationJob(deps: Dependencies, intervalMs = deps.config.reconciliationIntervalMs): PeriodicJob {
  const batch = 100;
  return periodicJob(
    'reconciliation',
    intervalMs,
    async () => (await deps.reconciliation.run(batch)).checked === batch, // a full batch: maybe more
    deps.logger,
  );
}
