import { z } from 'zod';
import { EventEnvelopeSchema, listQuerySchema, listResponseSchema, serviceManifest } from '@micropay/platform';

export const NOTIFICATION_ID = /^ntf_[0-9A-HJKMNP-TV-Z]{26}$/;

export const NotificationListQuery = listQuerySchema(NOTIFICATION_ID);

export const NotificationSchema = z
  .object({
    id: z.string(),
    object: z.literal('notification'),
    type: z.string().meta({ description: 'The event that caused it, e.g. payment.succeeded.' }),
    channel: z.enum(['in_app', 'email', 'push']),
    title: z.string(),
    body: z.string(),
    data: z.record(z.string(), z.string()),
    created_at: z.iso.datetime(),
    read_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Notification' });

export const NotificationListSchema = listResponseSchema(NotificationSchema);

export const EventBody = EventEnvelopeSchema.meta({ id: 'EventEnvelope' });

export const WEBHOOK_ENDPOINT_ID = /^we_[0-9A-HJKMNP-TV-Z]{26}$/;
export const WEBHOOK_DELIVERY_ID = /^whd_[0-9A-HJKMNP-TV-Z]{26}$/;

/** Event types an endpoint may subscribe to: what this service consumes (the manifest), or "*". */
const webhookEventType = z
  .string()
  .refine((t) => t === '*' || serviceManifest('notification-service').consumes.includes(t), {
    error: `must be "*" or one of ${serviceManifest('notification-service').consumes.join(', ')}`,
  });

const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048, { error: 'must be at most 2048 characters' });

const enabledEvents = z.array(webhookEventType).min(1, { error: 'must list at least one event type, or "*"' }).max(50);

export const WebhookEndpointIdParams = z.strictObject({
  id: z.string().regex(WEBHOOK_ENDPOINT_ID, { error: 'must be a webhook endpoint id (we_…)' }),
});
export const WebhookDeliveryParams = WebhookEndpointIdParams.extend({
  delivery_id: z.string().regex(WEBHOOK_DELIVERY_ID, { error: 'must be a delivery id (whd_…)' }),
});

export const CreateWebhookEndpointBody = z
  .strictObject({
    url: webhookUrl,
    enabled_events: enabledEvents,
    description: z.string().max(500).optional(),
  })
  .meta({ id: 'CreateWebhookEndpointRequest' });

export const UpdateWebhookEndpointBody = z
  .strictObject({
    url: webhookUrl.optional(),
    enabled_events: enabledEvents.optional(),
    description: z.string().max(500).nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional(),
  })
  .meta({ id: 'UpdateWebhookEndpointRequest' });

export const RotateSecretBody = z
  .strictObject({
    expires_in_seconds: z
      .number()
      .int({ error: 'must be an integer number of seconds' })
      .min(0, { error: 'must be between 0 and 604800 (7 days)' })
      .max(604_800, { error: 'must be between 0 and 604800 (7 days)' })
      .optional()
      .meta({ description: 'How long the old secret keeps signing too (default 86400: 24 h).' }),
  })
  .meta({ id: 'RotateWebhookSecretRequest' });

export const WebhookEndpointSchema = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    description: z.string().nullable(),
    enabled_events: z.array(z.string()),
    status: z.enum(['enabled', 'disabled']),
    disabled_reason: z.enum(['gone', 'failing']).nullable().meta({
      description: 'gone: the receiver answered 410; failing: no success for 5 days.',
    }),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'WebhookEndpoint' });

export const WebhookEndpointWithSecretSchema = WebhookEndpointSchema.extend({
  secret: z.string().meta({ description: 'whsec_…: shown only on creation and rotation.' }),
}).meta({ id: 'WebhookEndpointWithSecret' });

export const WebhookEndpointListQuery = listQuerySchema(WEBHOOK_ENDPOINT_ID);
export const WebhookEndpointListSchema = listResponseSchema(WebhookEndpointSchema);

export const WebhookDeliverySchema = z
  .object({
    id: z.string(),
    object: z.literal('webhook_delivery'),
    endpoint: z.string(),
    event: z.string().meta({ description: 'The event id, also sent as webhook-id on every attempt.' }),
    event_type: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempt_count: z.number().int(),
    next_attempt_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
    attempts: z.array(
      z.object({
        attempted_at: z.iso.datetime(),
        status_code: z.number().int().nullable(),
        duration_ms: z.number().int(),
        error: z.string().nullable(),
        next_attempt_at: z.iso.datetime().nullable(),
      }),
    ),
  })
  .meta({ id: 'WebhookDelivery' });

export const WebhookDeliveryListQuery = listQuerySchema(WEBHOOK_DELIVERY_ID);
export const WebhookDeliveryListSchema = listResponseSchema(WebhookDeliverySchema);

export const DEVICE_ID = /^dev_[0-9A-HJKMNP-TV-Z]{26}$/;

/** APNs device tokens are hex (32 bytes today; Apple says not to rely on the length); FCM tokens are URL-safe text. */
const TOKEN_FORMATS = {
  apns: { pattern: /^[0-9a-fA-F]{64,200}$/, error: 'must be an APNs device token: 64 to 200 hex characters' },
  fcm: { pattern: /^[\w:-]{32,4096}$/, error: 'must be an FCM registration token: 32 to 4096 of A-Z a-z 0-9 _ - :' },
} as const;

export const RegisterDeviceBody = z
  .strictObject({
    platform: z.enum(['apns', 'fcm'], { error: 'must be "apns" or "fcm"' }),
    token: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(4096),
  })
  .superRefine((body, ctx) => {
    const format = TOKEN_FORMATS[body.platform];
    if (!format.pattern.test(body.token)) ctx.addIssue({ code: 'custom', path: ['token'], message: format.error });
  })
  .meta({ id: 'RegisterDeviceRequest' });

export const DeviceIdParams = z.strictObject({
  id: z.string().regex(DEVICE_ID, { error: 'must be a device id (dev_…)' }),
});

export const DeviceSchema = z
  .object({
    id: z.string(),
    object: z.literal('device'),
    platform: z.enum(['apns', 'fcm']),
    token: z.string(),
    status: z.enum(['enabled', 'disabled']).meta({
      description:
        'disabled: SNS reported the endpoint disabled (app removed, token expired); register the token again.',
    }),
    disabled_reason: z.string().nullable(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'Device' });

export const DeviceListQuery = listQuerySchema(DEVICE_ID);
export const DeviceListSchema = listResponseSchema(DeviceSchema);
