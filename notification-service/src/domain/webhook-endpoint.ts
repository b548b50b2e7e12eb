/** A merchant's webhook endpoint (Standard Webhooks v1, as Svix sends them). */
export interface WebhookEndpoint {
  id: string;
  ownerId: string;
  url: string;
  description: string | null;
  /** Event types delivered, or ["*"] for all. */
  enabledEvents: string[];
  status: 'enabled' | 'disabled';
  disabledReason: 'gone' | 'failing' | null;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  failingSince: Date | null;
  createdAt: Date;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
}

export interface WebhookAttempt {
  id: string;
  deliveryId: string;
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  nextAttemptAt: Date | null;
}

export const wantsEvent = (endpoint: Pick<WebhookEndpoint, 'enabledEvents'>, type: string) =>
  endpoint.enabledEvents.includes('*') || endpoint.enabledEvents.includes(type);
