import type { Metrics } from '@micropay/platform';

/** The ledger's business metrics (docs/operations.md lists them). */
export function ledgerMetrics(metrics: Metrics) {
  return {
    transfers: metrics.counter(
      'ledger_transfers_total',
      'Transfer requests by currency and outcome (posted, pending, or the error code).',
      ['currency', 'outcome'],
    ),
    volume: metrics.counter('ledger_transfer_amount_total', 'Money moved by posted transfers, in minor units.', [
      'currency',
    ]),
    resolutions: metrics.counter(
      'ledger_pending_resolutions_total',
      'Pending transfers resolved, by action (post, void, expire) and outcome (ok or the error code).',
      ['action', 'outcome'],
    ),
    retries: metrics.counter(
      'ledger_transaction_retries_total',
      'Ledger DB transactions run again after a deadlock or serialization failure, by SQLSTATE.',
      ['sqlstate'],
    ),
  };
}

export type LedgerMetrics = ReturnType<typeof ledgerMetrics>;
