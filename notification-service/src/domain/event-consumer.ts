import { newId, type EventEnvelope, type Logger } from '@micropay/platform';
import type { Channel } from './notification';
import type { DeliveryObserver, NotificationStore } from './ports';
import { draftsFor, resourceOwner } from './notification-rules';

const ignore: DeliveryObserver = { deliveries: () => {}, eventFailed: () => {} };

/** Turns events into notifications, effectively once even though delivery is at least once. */
export class EventConsumer {
  constructor(
    private readonly store: NotificationStore,
    private readonly logger: Logger,
    private readonly observer: DeliveryObserver = ignore,
    /** Called when the event queued webhook deliveries (wakes the delivery job). */
    private readonly onWebhooksQueued: () => void = () => {},
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
    let webhooks: number;
    try {
      ({ fresh, webhooks } = await this.store.recordEvent(event, notifications, resourceOwner(event)));
    } catch (error) {
      this.observer.eventFailed(event.type, 'store_error');
      if (notifications.length > 0) this.observer.deliveries(channel, 'failed', notifications.length);
      throw error;
    }
    if (notifications.length > 0)
      this.observer.deliveries(channel, fresh ? 'delivered' : 'duplicate', notifications.length);
    if (webhooks > 0) this.onWebhooksQueued();
    this.logger.info(
      {
        event_id: event.id,
        event_type: event.type,
        notifications: fresh ? notifications.length : 0,
        webhooks,
        duplicate: !fresh,
      },
      'event consumed',
    );
    return { fresh, notifications: fresh ? notifications.length : 0 };
  }
}
