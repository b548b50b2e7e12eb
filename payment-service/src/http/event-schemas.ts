import { z } from 'zod';

/**
 * The `data` of the events payment-service publishes (docs/contract.md §6): the payment or the
 * refund as the API shows it. Documented in the OpenAPI document's `webhooks` section; consumers
 * parse with a schema that must agree (e2e/test/event-contracts.test.ts). Objects are loose:
 * a field added later is not a breaking change for a consumer.
 */
export const PaymentEventData = z
  .looseObject({
    id: z.string().regex(/^pay_/),
    object: z.literal('payment'),
    amount: z.number().int().positive(),
    currency: z.string().length(3),
    method: z.enum(['card', 'pix', 'boleto']),
    status: z.enum(['requires_action', 'processing', 'requires_capture', 'succeeded', 'failed', 'canceled']),
    account: z.string().meta({ description: 'The wallet (acct_…) the money goes to.' }),
    customer: z.string().meta({ description: "The owner's user id (usr_…): whose webhooks and notifications." }),
    amount_received: z.number().int().optional(),
    amount_refunded: z.number().int().optional(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable().optional(),
    cancellation_reason: z.string().nullable().optional(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'PaymentEventData' });

export const RefundEventData = z
  .looseObject({
    id: z.string().regex(/^re_/),
    object: z.literal('refund'),
    payment: z.string().regex(/^pay_/),
    customer: z.string(),
    amount: z.number().int().positive(),
    currency: z.string().length(3),
    status: z.enum(['pending', 'succeeded', 'failed']),
    reason: z.string().nullable().optional(),
    failure_code: z.string().nullable().optional(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'RefundEventData' });

/** Every event type payment-service publishes (the manifest's `publishes`) and the schema of its data. */
export const paymentEventSchemas: Record<string, z.ZodType> = {
  'payment.requires_action': PaymentEventData,
  'payment.processing': PaymentEventData,
  'payment.requires_capture': PaymentEventData,
  'payment.succeeded': PaymentEventData,
  'payment.failed': PaymentEventData,
  'payment.canceled': PaymentEventData,
  'refund.succeeded': RefundEventData,
  'refund.failed': RefundEventData,
};
