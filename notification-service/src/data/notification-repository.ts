import type { Knex } from 'knex';
import { consumeOnce, keysetPage, type EventEnvelope, type PageRequest } from '@micropay/platform';
import type { ChannelSends, NewNotification, NotificationStore } from '../domain/ports';
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

  async recordEvent(
    event: EventEnvelope,
    notifications: NewNotification[],
    webhookOwner: string | undefined,
    sends: ChannelSends = {},
  ) {
    let webhooks = 0;
    let channelDeliveries = 0;
    const fresh = await consumeOnce(this.knex, event, async (trx) => {
      for (const n of notifications) {
        await trx('notifications').insert({
          id: n.id,
          user_id: n.userId,
          event_id: n.eventId,
          type: n.type,
          channel: n.channel,
          title: n.title,
          body: n.body,
          data: JSON.stringify(n.data),
        });
      }
      if (webhookOwner) webhooks = await enqueueWebhookDeliveries(trx, event, webhookOwner);
      channelDeliveries = await enqueueChannelDeliveries(trx, event, sends);
    });
    return { fresh, webhooks: fresh ? webhooks : 0, channelDeliveries: fresh ? channelDeliveries : 0 };
  }

  async listForUser(userId: string, page: PageRequest) {
    const result = await keysetPage<NotificationRow>(this.knex('notifications').where({ user_id: userId }), page);
    return { data: result.data.map(toNotification), hasMore: result.hasMore };
  }
}
