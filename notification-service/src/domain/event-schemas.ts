import { z } from 'zod';

/**
 * The part of each consumed event's `data` this service relies on; anything else is ignored,
 * so producers may add fields. The producer documents the full schema in its OpenAPI
 * `webhooks` section; e2e/test/event-contracts.test.ts fails when the two disagree.
 */
export const PaymentEventData = z.object({
  id: z.string(),
  customer: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  failure_message: z.string().nullable().optional(),
});

export const RefundEventData = z.object({
  id: z.string(),
  payment: z.string(),
  customer: z.string(),
  amount: z.number().int(),
  currency: z.string(),
});

/** A wallet after a movement: only its owner matters here (whose webhooks receive it). */
export const AccountEventData = z.object({
  id: z.string(),
  owner: z.string(),
  currency: z.string(),
  balance: z.number().int(),
  available: z.number().int(),
});

/** Every event type the manifest says this service consumes, and how it parses the data. */
export const consumedEventSchemas: Record<string, z.ZodType> = {
  'payment.requires_action': PaymentEventData,
  'payment.requires_capture': PaymentEventData,
  'payment.succeeded': PaymentEventData,
  'payment.failed': PaymentEventData,
  'payment.canceled': PaymentEventData,
  'refund.succeeded': RefundEventData,
  'refund.failed': RefundEventData,
  'account.balance_changed': AccountEventData,
};
