import { z } from 'zod';
import { EventEnvelopeSchema, listQuerySchema, listResponseSchema } from '@micropay/platform';

export const NOTIFICATION_ID = /^ntf_[0-9A-HJKMNP-TV-Z]{26}$/;

export const NotificationListQuery = listQuerySchema(NOTIFICATION_ID);

export const NotificationSchema = z
  .object({
    id: z.string(),
    object: z.literal('notification'),
    type: z.string().meta({ description: 'The event that caused it, e.g. payment.succeeded.' }),
    channel: z.enum(['in_app']),
    title: z.string(),
    body: z.string(),
    data: z.record(z.string(), z.string()),
    created_at: z.iso.datetime(),
    read_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Notification' });

export const NotificationListSchema = listResponseSchema(NotificationSchema);

export const EventBody = EventEnvelopeSchema.meta({ id: 'EventEnvelope' });
