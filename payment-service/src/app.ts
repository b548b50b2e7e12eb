import { createServiceApp } from '@micropay/platform';
import type { Dependencies } from './dependencies';
import { paymentRoutes } from './http/payment-routes';

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
      description: 'Payments into MicroPay wallets, with idempotency keys and a built-in sandbox provider.',
    },
    routes: paymentRoutes(deps.payments),
    verifier: deps.verifier,
    idempotency: deps.idempotency,
  });
}
