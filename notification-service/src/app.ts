import { createServiceApp } from '@micropay/platform';
import type { Dependencies } from './dependencies';
import { deviceRoutes } from './http/device-routes';
import { eventRoutes } from './http/event-routes';
import { notificationRoutes } from './http/notification-routes';
import { webhookEndpointRoutes } from './http/webhook-endpoint-routes';

/** The notification-service HTTP application (no listen: main.ts and the tests mount it). */
export function createApp(deps: Dependencies) {
  return createServiceApp({
    service: 'notification-service',
    logger: deps.logger,
    metrics: deps.metrics,
    lifecycle: deps.lifecycle,
    trustProxy: deps.config.http.trustProxy,
    readinessCheck: () => deps.db.ping(),
    openapi: {
      title: 'MicroPay notification-service',
      version: '1.0.0',
      description:
        'Notifications for people (in-app, email receipts through SES, pushes through SNS to registered devices) and merchant webhooks (Standard Webhooks v1), created from the events the other services publish.',
    },
    routes: [
      ...notificationRoutes(deps.notifications),
      ...webhookEndpointRoutes(deps.webhookEndpoints, deps.dispatcher),
      ...deviceRoutes(deps.devices),
      ...eventRoutes(deps.consumer, deps.eventMetrics, deps.logger),
    ],
    verifier: deps.verifier,
  });
}
