import { newId, type EventEnvelope, type Logger } from '@micropay/platform';
import type { Channel } from './notification';
import { receiptFor } from './email-receipts';
import type { ChannelSends, DeliveryObserver, NotificationStore } from './ports';
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
    /** Called when the event queued emails or pushes (wakes the channel delivery job). */
    private readonly onChannelsQueued: () => void = () => {},
  ) {}

  /** Returns whether the event was new and how many notifications it produced. */
  async consume(event: EventEnvelope): Promise<{ fresh: boolean; notifications: number }> {
    const channel: Channel = 'in_app';
    let drafts;
    let sends: ChannelSends;
    try {
      drafts = draftsFor(event);
      // Every in-app notification is also pushed to the person's devices; receipts are emailed.
      const [first] = drafts;
      sends = {
        email: receiptFor(event),
        push: first && { userId: first.userId, message: { title: first.title, body: first.body, data: first.data } },
      };
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
    let channelDeliveries: number;
    try {
      ({ fresh, webhooks, channelDeliveries } = await this.store.recordEvent(
        event,
        notifications,
        resourceOwner(event),
        sends,
      ));
    } catch (error) {
      this.observer.eventFailed(event.type, 'store_error');
      if (notifications.length > 0) this.observer.deliveries(channel, 'failed', notifications.length);
      throw error;
    }
    if (notifications.length > 0)
      this.observer.deliveries(channel, fresh ? 'delivered' : 'duplicate', notifications.length);
    if (webhooks > 0) this.onWebhooksQueued();
    if (channelDeliveries > 0) this.onChannelsQueued();
    this.logger.info(
      {
        event_id: event.id,
        event_type: event.type,
        notifications: fresh ? notifications.length : 0,
        webhooks,
        channel_deliveries: channelDeliveries,
        duplicate: !fresh,
      },
      'event consumed',
    );
    return { fresh, notifications: fresh ? notifications.length : 0 };
  }
}
