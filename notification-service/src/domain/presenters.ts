import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook-endpoint';
import type { Device } from './channel-delivery';
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

export function presentWebhookEndpoint(e: WebhookEndpoint) {
  return {
    id: e.id,
    object: 'webhook_endpoint' as const,
    url: e.url,
    description: e.description,
    enabled_events: e.enabledEvents,
    status: e.status,
    disabled_reason: e.disabledReason,
    created_at: e.createdAt.toISOString(),
  };
}

/** Creation and rotation: the only answers that show the secret. */
export const presentWebhookEndpointWithSecret = (e: WebhookEndpoint) => ({
  ...presentWebhookEndpoint(e),
  secret: e.secret,
});

export function presentWebhookDelivery(d: WebhookDelivery & { attemptLog: WebhookAttempt[] }) {
  return {
    id: d.id,
    object: 'webhook_delivery' as const,
    endpoint: d.endpointId,
    event: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempt_count: d.attempts,
    next_attempt_at: d.status === 'pending' && d.nextAttemptAt ? d.nextAttemptAt.toISOString() : null,
    created_at: d.createdAt.toISOString(),
    attempts: d.attemptLog.map((a) => ({
      attempted_at: a.attemptedAt.toISOString(),
      status_code: a.statusCode,
      duration_ms: a.durationMs,
      error: a.error,
      next_attempt_at: a.nextAttemptAt ? a.nextAttemptAt.toISOString() : null,
    })),
  };
}

export function presentDevice(d: Device) {
  return {
    id: d.id,
    object: 'device' as const,
    platform: d.platform,
    token: d.token,
    status: d.status,
    disabled_reason: d.disabledReason,
    created_at: d.createdAt.toISOString(),
  };
}
