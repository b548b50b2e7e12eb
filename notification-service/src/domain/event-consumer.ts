import { newId, type EventEnvelope, type Logger } from '@micropay/platform';
import type { Notification } from './notification';
import { draftsFor } from './notification-rules';

export type NewNotification = Omit<Notification, 'createdAt' | 'readAt'>;

export interface NotificationStore {
  /**
   * Records the event in the inbox and stores its notifications in one transaction; returns
   * false (storing nothing) when the event was already recorded.
   */
  recordEvent(event: EventEnvelope, notifications: NewNotification[]): Promise<boolean>;
  listForUser(userId: string, page: { limit: number; startingAfter?: string; endingBefore?: string }): Promise<{ data: Notification[]; hasMore: boolean }>;
}

/** Turns events into notifications, effectively once even though delivery is at least once. */
export class EventConsumer {
  constructor(
    private readonly store: NotificationStore,
    private readonly logger: Logger,
  ) {}

  /** Returns whether the event was new and how many notifications it produced. */
  async consume(event: EventEnvelope): Promise<{ fresh: boolean; notifications: number }> {
    const notifications = draftsFor(event).map((draft) => ({
      id: newId('ntf'),
      eventId: event.id,
      type: event.type,
      channel: 'in_app' as const,
      ...draft,
    }));
    const fresh = await this.store.recordEvent(event, notifications);
    this.logger.info(
      { event_id: event.id, event_type: event.type, notifications: fresh ? notifications.length : 0, duplicate: !fresh },
      'event consumed',
    );
    return { fresh, notifications: fresh ? notifications.length : 0 };
  }
}
