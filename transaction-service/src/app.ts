import { createServiceApp } from '@micropay/platform';
import type { Dependencies } from './dependencies';
import { accountRoutes } from './http/account-routes';
import { ledgerEventSchemas } from './http/event-schemas';
import { ledgerRoutes } from './http/ledger-routes';
import { transferRoutes } from './http/transfer-routes';

/** The transaction-service HTTP application (no listen: main.ts and the tests mount it). */
export function createApp(deps: Dependencies) {
  return createServiceApp({
    service: 'transaction-service',
    logger: deps.logger,
    metrics: deps.metrics,
    lifecycle: deps.lifecycle,
    trustProxy: deps.config.http.trustProxy,
    readinessCheck: () => deps.db.ping(),
    openapi: {
      title: 'MicroPay transaction-service',
      version: '1.0.0',
      description:
        'A double-entry ledger: wallets and system accounts, transfers that move integer minor units atomically.',
      events: ledgerEventSchemas,
    },
    routes: [
      ...accountRoutes(deps.ledger),
      ...transferRoutes(deps.ledger, deps.ledgerMetrics),
      ...ledgerRoutes(deps.ledger),
    ],
    verifier: deps.verifier,
    idempotency: deps.idempotency,
  });
}
