import { periodicJob, type PeriodicJob } from '@micropay/platform';
import type { Dependencies } from './dependencies';

const BATCH = 100;

/** Voids holds past their deadline, a batch at a time; a full batch is followed at once by another. */
export function expirySweeper(deps: Dependencies, intervalMs = deps.config.expirySweepMs): PeriodicJob {
  return periodicJob(
    'ledger-expiry',
    intervalMs,
    async () => {
      const { voided, due } = await deps.ledger.expireDue(BATCH);
      if (voided > 0) deps.ledgerMetrics.resolutions.inc({ action: 'expire', outcome: 'ok' }, voided);
      if (due > voided) deps.ledgerMetrics.resolutions.inc({ action: 'expire', outcome: 'transfer_not_pending' }, due - voided);
      return due === BATCH;
    },
    deps.logger,
  );
}
