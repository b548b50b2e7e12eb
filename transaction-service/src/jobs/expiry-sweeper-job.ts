import { periodicJob, type PeriodicJob } from '@micropay/platform';
import type { Dependencies } from '../dependencies';

const BATCH = 100;

/** Voids holds past their deadline, a batch at a time; a full batch is followed at once by another. */
export function expirySweeper(deps: Dependencies, intervalMs = deps.config.expirySweepMs): PeriodicJob {
  return periodicJob(
    'ledger-expiry',
    intervalMs,
    async () => {
      const { voided, due, failures } = await deps.ledger.expireDue(BATCH);
      for (const { id, error } of failures)
        deps.logger.error({ err: error, transfer: id }, 'expired hold could not be voided');
      const raced = due - voided - failures.length;
      if (voided > 0) deps.ledgerMetrics.resolutions.inc({ action: 'expire', outcome: 'ok' }, voided);
      if (raced > 0) deps.ledgerMetrics.resolutions.inc({ action: 'expire', outcome: 'transfer_not_pending' }, raced);
      if (failures.length > 0)
        deps.ledgerMetrics.resolutions.inc({ action: 'expire', outcome: 'error' }, failures.length);
      return due === BATCH;
    },
    deps.logger,
  );
}
