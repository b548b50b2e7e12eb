import { z } from 'zod';
import cardValidator from 'card-validator';
import { currencySchema, listQuerySchema, listResponseSchema, metadataSchema } from '@micropay/platform';
import { BOLETO_EXPIRY_DAYS, MAX_PAYMENT_AMOUNT, PIX_EXPIRY_SECONDS } from '../domain/methods';
import { parseTaxId } from '../domain/tax-id';

export const PAYMENT_ID = /^pay_[0-9A-HJKMNP-TV-Z]{26}$/;
export const REFUND_ID = /^re_[0-9A-HJKMNP-TV-Z]{26}$/;

const paymentAmount = z
  .number({ error: 'must be an integer number of minor units' })
  .int({ error: 'must be an integer number of minor units (1050 = 10.50)' })
  .positive({ error: 'must be greater than 0' })
  .max(MAX_PAYMENT_AMOUNT, { error: `must be at most ${MAX_PAYMENT_AMOUNT}` })
  .meta({ description: 'Amount in minor units of the currency (1050 = 10.50).', example: 1050 });

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

const common = {
  amount: paymentAmount,
  currency: currencySchema,
  account: z
    .string()
    .regex(/^acct_[0-9A-HJKMNP-TV-Z]{26}$/, { error: 'must be your wallet id (acct_…)' })
    .meta({ description: 'The wallet to credit.' }),
  description: z.string().max(500).optional(),
  metadata: metadataSchema.optional(),
};

const brlOnly = (body: { currency: string }) => body.currency === 'brl';
const brlError = (method: string) => ({ error: `${method} payments must be in "brl"`, path: ['currency'] });

const CardPaymentBody = z
  .strictObject({
    method: z.literal('card'),
    ...common,
    card: CardSchema,
    capture_method: z
      .enum(['automatic', 'manual'], { error: 'must be "automatic" or "manual"' })
      .default('automatic')
      .meta({ description: 'manual: authorise now (requires_capture), capture or cancel later.' }),
  })
  .meta({ id: 'CreateCardPaymentRequest' });

const PixPaymentBody = z
  .strictObject({
    method: z.literal('pix'),
    ...common,
    pix: z
      .strictObject({
        expires_after_seconds: z
          .number({ error: 'must be an integer number of seconds' })
          .int({ error: 'must be an integer number of seconds' })
          .min(PIX_EXPIRY_SECONDS.min, {
            error: `must be between ${PIX_EXPIRY_SECONDS.min} and ${PIX_EXPIRY_SECONDS.max}`,
          })
          .max(PIX_EXPIRY_SECONDS.max, {
            error: `must be between ${PIX_EXPIRY_SECONDS.min} and ${PIX_EXPIRY_SECONDS.max}`,
          })
          .default(PIX_EXPIRY_SECONDS.default),
      })
      .default({ expires_after_seconds: PIX_EXPIRY_SECONDS.default }),
  })
  .refine(brlOnly, brlError('Pix'))
  .meta({ id: 'CreatePixPaymentRequest' });

const BoletoPaymentBody = z
  .strictObject({
    method: z.literal('boleto'),
    ...common,
    boleto: z.strictObject({
      tax_id: z
        .string()
        .max(30)
        .refine((v) => parseTaxId(v) !== undefined, {
          error: 'must be a valid CPF or CNPJ (check digits), formatted or not',
        })
        .meta({ example: '123.456.789-09', description: "The payer's CPF or CNPJ." }),
      name: z.string().trim().min(1, { error: 'must not be empty' }).max(100),
      email: z.email({ error: 'must be an email address' }).max(254).optional(),
      expires_after_days: z
        .number({ error: 'must be an integer number of days' })
        .int({ error: 'must be an integer number of days' })
        .min(BOLETO_EXPIRY_DAYS.min, {
          error: `must be between ${BOLETO_EXPIRY_DAYS.min} and ${BOLETO_EXPIRY_DAYS.max}`,
        })
        .max(BOLETO_EXPIRY_DAYS.max, {
          error: `must be between ${BOLETO_EXPIRY_DAYS.min} and ${BOLETO_EXPIRY_DAYS.max}`,
        })
        .default(BOLETO_EXPIRY_DAYS.default),
    }),
  })
  .refine(brlOnly, brlError('Boleto'))
  .meta({ id: 'CreateBoletoPaymentRequest' });

export const CreatePaymentBody = z.discriminatedUnion('method', [CardPaymentBody, PixPaymentBody, BoletoPaymentBody], {
  error: 'must be "card", "pix" or "boleto"',
});
export type CreatePaymentBody = z.output<typeof CreatePaymentBody>;

export const CaptureBody = z.strictObject({
  amount_to_capture: paymentAmount
    .optional()
    .meta({ description: 'At most amount_capturable; the rest of the authorisation is released. Default: all.' }),
});
export const CancelBody = z.strictObject({});

export const PaymentIdParams = z.strictObject({
  id: z.string().regex(PAYMENT_ID, { error: 'must be a payment id (pay_…)' }),
});
export const PaymentListQuery = listQuerySchema(PAYMENT_ID);

const NextActionSchema = z
  .union([
    z.object({
      type: z.literal('pix_display_qr_code'),
      pix_display_qr_code: z.object({
        data: z.string().meta({ description: 'The Pix BR Code (copy and paste).' }),
        image_url_png: z.string().nullable(),
        hosted_instructions_url: z.string().nullable(),
        expires_at: z.iso.datetime(),
      }),
    }),
    z.object({
      type: z.literal('boleto_display_details'),
      boleto_display_details: z.object({
        number: z.string().meta({ description: 'The 47-digit linha digitável.' }),
        barcode: z.string().nullable().meta({ description: 'The 44-digit barcode.' }),
        hosted_voucher_url: z.string().nullable(),
        expires_at: z.iso.datetime(),
      }),
    }),
  ])
  .nullable();

export const PaymentSchema = z
  .object({
    id: z.string(),
    object: z.literal('payment'),
    amount: z.number().int(),
    amount_capturable: z.number().int(),
    amount_received: z.number().int(),
    amount_refunded: z.number().int().meta({ description: 'Refunds succeeded or in flight.' }),
    currency: z.string(),
    method: z.enum(['card', 'pix', 'boleto']),
    capture_method: z.enum(['automatic', 'manual']),
    status: z.enum(['requires_action', 'processing', 'requires_capture', 'succeeded', 'failed', 'canceled']),
    next_action: NextActionSchema,
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
    pix: z.object({ expires_at: z.string().nullable() }).nullable(),
    boleto: z
      .object({
        due_date: z.string(),
        name: z.string(),
        email: z.string().nullable(),
        tax_id_type: z.enum(['cpf', 'cnpj']),
        tax_id: z.string().meta({ description: 'Masked.' }),
      })
      .nullable(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    cancellation_reason: z.enum(['requested_by_customer', 'expired', 'abandoned']).nullable(),
    ledger_transfer: z
      .string()
      .nullable()
      .meta({ description: 'The ledger transfer that credited the wallet, once it has.' }),
    expires_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Payment' });

export const PaymentListSchema = listResponseSchema(PaymentSchema);

export const CreateRefundBody = z.strictObject({
  payment: z.string().regex(PAYMENT_ID, { error: 'must be a payment id (pay_…)' }),
  amount: paymentAmount.optional().meta({ description: 'Default: everything not yet refunded.' }),
  reason: z
    .enum(['duplicate', 'fraudulent', 'requested_by_customer'], {
      error: 'must be "duplicate", "fraudulent" or "requested_by_customer"',
    })
    .optional(),
});

export const RefundIdParams = z.strictObject({
  id: z.string().regex(REFUND_ID, { error: 'must be a refund id (re_…)' }),
});
export const RefundListQuery = listQuerySchema(REFUND_ID, {
  payment: z.string().regex(PAYMENT_ID, { error: 'must be a payment id (pay_…)' }).optional(),
});

export const RefundSchema = z
  .object({
    id: z.string(),
    object: z.literal('refund'),
    payment: z.string(),
    customer: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).nullable(),
    failure_code: z.string().nullable(),
    ledger_transfer: z.string().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Refund' });
export const RefundListSchema = listResponseSchema(RefundSchema);

export const ReconciliationSchema = z.object({
  object: z.literal('reconciliation'),
  checked: z.number().int(),
  findings: z.array(z.object({ subject: z.string(), kind: z.string(), detail: z.string() })),
  recent_findings: z.array(
    z.object({ subject: z.string(), kind: z.string(), detail: z.string(), found_at: z.iso.datetime() }),
  ),
});
