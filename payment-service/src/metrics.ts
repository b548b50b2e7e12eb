import type { Metrics } from '@micropay/platform';
import type { PaymentObserver } from './domain/ports';

/** payment-service's business metrics (the payments dashboard charts them; docs/operations.md lists them). */
export function paymentMetrics(metrics: Metrics): PaymentObserver {
  const byStatus = metrics.counter('payments_total', 'Payments entering each status, by method.', ['method', 'status']);
  return { statusChanged: (p) => byStatus.inc({ method: p.method, status: p.status }) };
}
