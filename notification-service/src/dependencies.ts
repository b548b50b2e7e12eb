import { createTokenVerifier, type ServiceInfrastructure, type TokenVerifier } from '@micropay/platform';
import type { Config } from './config';
import { NotificationRepository } from './data/notification-repository';
import { EventConsumer } from './domain/event-consumer';
import { deliveryMetrics, eventMetrics, type EventMetrics } from './metrics';

export type Infrastructure = ServiceInfrastructure<Config>;

export interface Dependencies extends Infrastructure {
  notifications: NotificationRepository;
  consumer: EventConsumer;
  eventMetrics: EventMetrics;
  verifier: TokenVerifier;
}

/** Wires repositories and domain services; shared by main.ts and the tests. */
export function createDependencies(infra: Infrastructure, overrides: { verifier?: TokenVerifier } = {}): Dependencies {
  const notifications = new NotificationRepository(infra.db.knex);
  return {
    ...infra,
    notifications,
    eventMetrics: eventMetrics(infra.metrics),
    consumer: new EventConsumer(notifications, infra.logger, deliveryMetrics(infra.metrics)),
    verifier: overrides.verifier ?? createTokenVerifier(infra.config.auth),
  };
}
