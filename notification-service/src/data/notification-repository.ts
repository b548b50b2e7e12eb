import type { Knex } from 'knex';
import { claimInbox, keysetPage, type PageRequest } from '@micropay/platform';
import type { EventRecord, NotificationStore, RecordedEvent } from '../domain/ports';
import { enqueueChannelDeliveries } from './channel-repository';
import type { Notification } from '../domain/notification';
import { enqueueWebhookDeliveries } from './webhook-repository';

interface NotificationRow {
  id: string;
  user_id: string;
  event_id: string;
  type: string;
  channel: Notification['channel'];
  title: string;
  body: string;
  data: Record<string, string>;
  created_at: Date;
  read_at: Date | null;
}

const toNotification = (r: NotificationRow): Notification => ({
  id: r.id,
  userId: r.user_id,
  eventId: r.event_id,
  type: r.type,
  channel: r.channel,
  title: r.title,
  body: r.body,
  data: r.data,
  createdAt: r.created_at,
  readAt: r.read_at,
});

export class NotificationRepository implements NotificationStore {
  constructor(private readonly knex: Knex) {}

  async recordEvents(records: readonly EventRecord[]): Promise<RecordedEvent[]> {
    const results: RecordedEvent[] = records.map(() => ({ fresh: false, webhooks: 0, channelDeliveries: 0 }));
    // A statement per kind of row for the whole batch, not per event: under load the HTTP
    // relay delivers events twenty at a time, and each statement is a round trip.
    await this.knex.transaction(async (trx) => {
      const freshIds = await claimInbox(
        trx,
        records.map((r) => r.event),
      );
      const fresh = records.flatMap((record, index) => (freshIds.has(record.event.id) ? [{ record, index }] : []));
      if (fresh.length === 0) return;
      const notifications = fresh.flatMap(({ record }) =>
        record.notifications.map((n) => ({
          id: n.id,
          user_id: n.userId,
          event_id: n.eventId,
          type: n.type,
          channel: n.channel,
          title: n.title,
          body: n.body,
          data: JSON.stringify(n.data),
        })),
      );
      if (notifications.length > 0) await trx('notifications').insert(notifications);
      const webhooks = await enqueueWebhookDeliveries(
        trx,
        fresh.map(({ record }) => ({ event: record.event, ownerId: record.webhookOwner })),
      );
      const channelDeliveries = await enqueueChannelDeliveries(
        trx,
        fresh.map(({ record }) => ({ event: record.event, sends: record.sends })),
      );
      fresh.forEach(({ index }, k) => {
        results[index] = { fresh: true, webhooks: webhooks[k]!, channelDeliveries: channelDeliveries[k]! };
      });
    });
    return results;
  }

  async listForUser(userId: string, page: PageRequest) {
    const result = await keysetPage<NotificationRow>(this.knex('notifications').where({ user_id: userId }), page);
    return { data: result.data.map(toNotification), hasMore: result.hasMore };
  }
}
