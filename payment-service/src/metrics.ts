import type { Metrics } from '@micropay/platform';
import type { PaymentObserver } from './domain/ports';

/** payment-service's business metrics (the payments dashboard charts them; docs/operations.md lists them). */
export function paymentMetrics(metrics: Metrics): PaymentObserver {
  const byStatus = metrics.counter('payments_total', 'Payments entering each status, by method.', ['method', 'status']);
  const refunds = metrics.counter('refunds_total', 'Refunds entering each status.', ['status']);
  const providerEvents = metrics.counter(
    'provider_events_total',
    'Provider webhooks applied, by type and outcome (paid_after_end and amount_mismatch need a person).',
    ['type', 'outcome'],
  );
  const mismatches = metrics.gauge(
    'reconciliation_mismatches',
    'Drift the last reconciliation run found between payments and the ledger (0 when they agree).',
    [],
  );
  return {
    statusChanged: (p) => byStatus.inc({ method: p.method, status: p.status }),
    refundChanged: (r) => refunds.inc({ status: r.status }),
    providerEvent: (type, outcome) => providerEvents.inc({ type, outcome }),
    reconciliation: (n) => mismatches.set(n),
  };
}
