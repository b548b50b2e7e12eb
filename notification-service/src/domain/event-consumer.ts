import { newId, type EventEnvelope, type Logger, type PageRequest, type PageResult } from '@micropay/platform';
import type { Channel, Notification } from './notification';
import { draftsFor } from './notification-rules';

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

const ignore: DeliveryObserver = { deliveries: () => {}, eventFailed: () => {} };

/** Turns events into notifications, effectively once even though delivery is at least once. */
export class EventConsumer {
  constructor(
    private readonly store: NotificationStore,
    private readonly logger: Logger,
    private readonly observer: DeliveryObserver = ignore,
  ) {}

  /** Returns whether the event was new and how many notifications it produced. */
  async consume(event: EventEnvelope): Promise<{ fresh: boolean; notifications: number }> {
    const channel: Channel = 'in_app';
    let drafts;
    try {
      drafts = draftsFor(event);
    } catch (error) {
      this.observer.eventFailed(event.type, 'invalid_data');
      throw error;
    }
    const notifications = drafts.map((draft) => ({
      id: newId('ntf'),
      eventId: event.id,
      type: event.type,
      channel,
      ...draft,
    }));
    let fresh: boolean;
    try {
      fresh = await this.store.recordEvent(event, notifications);
    } catch (error) {
      this.observer.eventFailed(event.type, 'store_error');
      if (notifications.length > 0) this.observer.deliveries(channel, 'failed', notifications.length);
      throw error;
    }
    if (notifications.length > 0)
      this.observer.deliveries(channel, fresh ? 'delivered' : 'duplicate', notifications.length);
    this.logger.info(
      {
        event_id: event.id,
        event_type: event.type,
        notifications: fresh ? notifications.length : 0,
        duplicate: !fresh,
      },
      'event consumed',
    );
    return { fresh, notifications: fresh ? notifications.length : 0 };
  }
}
