import { periodicJob, type PeriodicJob } from '@micropay/platform';
import type { Dependencies } from '../dependencies';

/** Credits captured payments the ledger could not take yet (it was down), oldest first. */
export function settlementJob(deps: Dependencies, intervalMs = deps.config.settlementIntervalMs): PeriodicJob {
  return periodicJob('ledger-settlement', intervalMs, () => deps.payments.settleAwaitingLedger(), deps.logger);
}
