import type { EventEnvelope, PageRequest, PageResult } from '@micropay/platform';
import type { Channel, Notification } from './notification';

/** What the domain needs from outside: storage (data/) and an observer for metrics (metrics.ts). */
export type NewNotification = Omit<Notification, 'createdAt' | 'readAt'>;

export interface NotificationStore {
  /**
   * Records the event in the inbox and stores its notifications in one transaction; returns
   * false (storing nothing) when the event was already recorded.
   */
  recordEvent(event: EventEnvelope, notifications: NewNotification[]): Promise<boolean>;
  listForUser(userId: string, page: PageRequest): Promise<PageResult<Notification>>;
}

/**
 * What happened to the notifications of one event: `delivered` (stored, so visible to the
 * person), `duplicate` (a redelivered event, nothing stored again) or `failed` (not stored; the
 * event is answered with an error and the producer's relay retries it).
 */
export type DeliveryOutcome = 'delivered' | 'duplicate' | 'failed';

/** Why an event could not be processed: its data did not fit the rules, or storing failed. */
export type FailureReason = 'invalid_data' | 'store_error';

/** Told about every delivery and failure; dependencies.ts wires it to the Prometheus counters. */
export interface DeliveryObserver {
  deliveries(channel: Channel, outcome: DeliveryOutcome, count: number): void;
  eventFailed(type: string, reason: FailureReason): void;
}
