export type Channel = 'in_app';

export interface Notification {
  id: string;
  userId: string;
  eventId: string;
  type: string;
  channel: Channel;
  title: string;
  body: string;
  data: Record<string, string>;
  createdAt: Date;
  readAt: Date | null;
}

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
