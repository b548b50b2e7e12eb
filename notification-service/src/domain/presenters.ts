import type { Notification } from './notification';

/** The public shape of a notification: what GET /v1/notifications lists. */
export function presentNotification(n: Notification) {
  return {
    id: n.id,
    object: 'notification' as const,
    type: n.type,
    channel: n.channel,
    title: n.title,
    body: n.body,
    data: n.data,
    created_at: n.createdAt.toISOString(),
    read_at: n.readAt ? n.readAt.toISOString() : null,
  };
}
