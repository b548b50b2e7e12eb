import { newId, type EventEnvelope, type Logger } from '@micropay/platform';
import type { Channel } from './notification';
import type { DeliveryObserver, NotificationStore } from './ports';
import { draftsFor } from './notification-rules';

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
