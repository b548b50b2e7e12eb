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
