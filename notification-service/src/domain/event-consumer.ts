import { newId, type EventEnvelope, type Logger } from '@micropay/platform';
import type { Channel } from './notification';
import { receiptFor } from './email-receipts';
import type { DeliveryObserver, EventRecord, NotificationStore, RecordedEvent } from './ports';
import { draftsFor, resourceOwner } from './notification-rules';

const ignore: DeliveryObserver = { deliveries: () => {}, eventFailed: () => {} };
const channel: Channel = 'in_app';

export interface Consumed {
  fresh: boolean;
  notifications: number;
}

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

  /** Returns whether the event was new and how many notifications it produced; throws when it failed. */
  async consume(event: EventEnvelope): Promise<Consumed> {
    const record = this.prepare(event);
    let recorded: RecordedEvent;
    try {
      [recorded] = (await this.store.recordEvents([record])) as [RecordedEvent];
    } catch (error) {
      this.observer.eventFailed(event.type, 'store_error');
      if (record.notifications.length > 0) this.observer.deliveries(channel, 'failed', record.notifications.length);
      throw error;
    }
    return this.report(record, recorded);
  }

  /**
   * Consumes several events, in order, with one transaction for all of them; when that
   * transaction fails, each event is consumed on its own so that one failing event does not
   * fail the others. Answers for each event what it produced, or the error it failed with.
   */
  async consumeBatch(events: readonly EventEnvelope[]): Promise<(Consumed | { error: Error })[]> {
    const outcomes: (Consumed | { error: Error } | undefined)[] = events.map(() => undefined);
    const batch: { index: number; record: EventRecord }[] = [];
    const seen = new Set<string>();
    events.forEach((event, index) => {
      if (seen.has(event.id)) return; // a repeat is consumed after the batch: a duplicate then
      try {
        batch.push({ index, record: this.prepare(event) });
        seen.add(event.id);
      } catch (error) {
        outcomes[index] = { error: error as Error };
      }
    });
    let recorded: RecordedEvent[] | undefined;
    try {
      recorded = await this.store.recordEvents(batch.map((b) => b.record));
    } catch (error) {
      this.logger.warn({ err: error, events: batch.length }, 'event batch failed; consuming its events one by one');
    }
    batch.forEach(({ index, record }, k) => {
      if (recorded) outcomes[index] = this.report(record, recorded[k]!);
    });
    for (const [index, event] of events.entries()) {
      if (outcomes[index]) continue;
      outcomes[index] = await this.consume(event).catch((error: Error) => ({ error }));
    }
    return outcomes as (Consumed | { error: Error })[];
  }

  /** The event's notifications, email and push; throws (reported as invalid_data) when its data breaks the rules. */
  private prepare(event: EventEnvelope): EventRecord {
    try {
      const drafts = draftsFor(event);
      // Every in-app notification is also pushed to the person's devices; receipts are emailed.
      const [first] = drafts;
      return {
        event,
        notifications: drafts.map((draft) => ({
          id: newId('ntf'),
          eventId: event.id,
          type: event.type,
          channel,
          ...draft,
        })),
        webhookOwner: resourceOwner(event),
        sends: {
          email: receiptFor(event),
          push: first && { userId: first.userId, message: { title: first.title, body: first.body, data: first.data } },
        },
      };
    } catch (error) {
      this.observer.eventFailed(event.type, 'invalid_data');
      throw error;
    }
  }

  private report(
    { event, notifications }: EventRecord,
    { fresh, webhooks, channelDeliveries }: RecordedEvent,
  ): Consumed {
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
