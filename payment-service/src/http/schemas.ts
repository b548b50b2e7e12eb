import { z } from 'zod';
import cardValidator from 'card-validator';
import { amountSchema, currencySchema, listQuerySchema, listResponseSchema, metadataSchema } from '@micropay/platform';

export const PAYMENT_ID = /^pay_[0-9A-HJKMNP-TV-Z]{26}$/;

export const CardSchema = z
  .strictObject({
    number: z
      .string()
      .regex(/^\d{12,19}$/, { error: 'must be 12 to 19 digits, no spaces' })
      .refine((n) => cardValidator.number(n).isValid, { error: 'is not a valid card number' })
      .meta({ example: '4242424242424242', description: 'Never stored or logged.' }),
    exp_month: z
      .number()
      .int()
      .min(1, { error: 'must be 1-12' })
      .max(12, { error: 'must be 1-12' })
      .meta({ example: 12 }),
    exp_year: z
      .number()
      .int()
      .min(2000, { error: 'must be a four-digit year' })
      .max(2100, { error: 'must be a four-digit year' })
      .meta({ example: 2030 }),
    cvc: z
      .string()
      .regex(/^\d{3,4}$/, { error: 'must be 3 or 4 digits' })
      .meta({ example: '123', description: 'Never stored or logged.' }),
  })
  .meta({ id: 'CardInput' });

const CardPaymentBody = z
  .strictObject({
    method: z.literal('card'),
    amount: amountSchema,
    currency: currencySchema,
    account: z
      .string()
      .regex(/^acct_[0-9A-HJKMNP-TV-Z]{26}$/, { error: 'must be your wallet id (acct_…)' })
      .meta({ description: 'The wallet to credit.' }),
    card: CardSchema,
    description: z.string().max(500).optional(),
    metadata: metadataSchema.optional(),
  })
  .meta({ id: 'CreateCardPaymentRequest' });

export const CreatePaymentBody = z.discriminatedUnion('method', [CardPaymentBody], { error: 'must be "card"' });

export const PaymentIdParams = z.strictObject({
  id: z.string().regex(PAYMENT_ID, { error: 'must be a payment id (pay_…)' }),
});
export const PaymentListQuery = listQuerySchema(PAYMENT_ID);

export const PaymentSchema = z
  .object({
    id: z.string(),
    object: z.literal('payment'),
    amount: z.number().int(),
    currency: z.string(),
    method: z.enum(['card', 'pix', 'boleto']),
    status: z.enum(['requires_action', 'processing', 'requires_capture', 'succeeded', 'failed', 'canceled']),
    account: z.string(),
    customer: z.string(),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    card: z
      .object({
        brand: z.string(),
        last4: z.string(),
        exp_month: z.number(),
        exp_year: z.number(),
        fingerprint: z.string(),
      })
      .nullable(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    ledger_transfer: z
      .string()
      .nullable()
      .meta({ description: 'The ledger transfer that credited the wallet, once it has.' }),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Payment' });

export const PaymentListSchema = listResponseSchema(PaymentSchema);
