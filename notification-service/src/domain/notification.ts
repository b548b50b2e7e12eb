/** Where a notification goes; every channel's deliveries are counted by channel and outcome. */
export type Channel = 'in_app' | 'email' | 'push' | 'webhook';

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
