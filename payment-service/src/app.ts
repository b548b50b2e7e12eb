import { createServiceApp } from '@micropay/platform';
import type { Dependencies } from './dependencies';
import { paymentEventSchemas } from './http/event-schemas';
import { paymentRoutes } from './http/payment-routes';
import { providerWebhookRoutes } from './http/provider-webhook-routes';
import { reconciliationRoutes } from './http/reconciliation-routes';
import { refundRoutes } from './http/refund-routes';

/** The payment-service HTTP application (no listen: main.ts and the tests mount it). */
export function createApp(deps: Dependencies) {
  return createServiceApp({
    service: 'payment-service',
    logger: deps.logger,
    metrics: deps.metrics,
    lifecycle: deps.lifecycle,
    trustProxy: deps.config.http.trustProxy,
    readinessCheck: () => deps.db.ping(),
    openapi: {
      title: 'MicroPay payment-service',
      version: '1.0.0',
      description:
        'Payments into MicroPay wallets by card (automatic or manual capture), Pix and boleto, refunds, and signed provider webhooks.',
      events: paymentEventSchemas,
    },
    routes: [
      ...paymentRoutes(deps.payments),
      ...refundRoutes(deps.refunds),
      ...providerWebhookRoutes(deps.provider, deps.webhooks, () => deps.providerEvents.wake()),
      ...reconciliationRoutes(deps.reconciliation, deps.reconciliationStore),
    ],
    verifier: deps.verifier,
    idempotency: deps.idempotency,
  });
}
