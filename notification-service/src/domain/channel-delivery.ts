/** A person's phone or browser that receives pushes (POST /v1/devices). */
export interface Device {
  id: string;
  userId: string;
  platform: 'apns' | 'fcm';
  token: string;
  /** The SNS platform endpoint; null when no platform application is configured (locally). */
  endpointArn: string | null;
  status: 'enabled' | 'disabled';
  /** Why SNS stopped taking pushes for it (the provider said the token is no longer valid). */
  disabledReason: string | null;
  createdAt: Date;
}

export const PUSH_PLATFORMS = ['apns', 'fcm'] as const;

/** An email rendered from one event: the same text and HTML on every attempt. */
export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
  /** What GET /v1/notifications shows as its body once sent (the subject is its title). */
  summary: string;
  data: Record<string, string>;
}

/** A push rendered from one event. */
export interface PushMessage {
  title: string;
  body: string;
  data: Record<string, string>;
}

interface DeliveryBase {
  id: string;
  userId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'sent' | 'failed' | 'suppressed';
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  providerMessageId: string | null;
  createdAt: Date;
}

/** One queued email or push (notifications.channel_deliveries), claimed with a lease like a webhook delivery. */
export type ChannelDelivery =
  | (DeliveryBase & { channel: 'email'; deviceId: null; message: EmailMessage })
  | (DeliveryBase & { channel: 'push'; deviceId: string; message: PushMessage });

export type NewChannelDelivery =
  | { id: string; channel: 'email'; userId: string; deviceId?: undefined; message: EmailMessage }
  | { id: string; channel: 'push'; userId: string; deviceId: string; message: PushMessage };
