import { z } from 'zod';
import { amountSchema, currencySchema, listQuerySchema, listResponseSchema, metadataSchema } from '@micropay/platform';

export const ACCOUNT_ID = /^acct_[0-9A-HJKMNP-TV-Z]{26}$/;
export const TRANSFER_ID = /^tr_[0-9A-HJKMNP-TV-Z]{26}$/;

const accountId = z.string().regex(ACCOUNT_ID, { error: 'must be an account id (acct_…)' });

export const AccountIdParams = z.strictObject({ id: accountId });
export const TransferIdParams = z.strictObject({
  id: z.string().regex(TRANSFER_ID, { error: 'must be a transfer id (tr_…)' }),
});
export const AccountListQuery = listQuerySchema(ACCOUNT_ID);
export const TransferListQuery = listQuerySchema(TRANSFER_ID);

/** A hold may wait at most 30 days to be posted or voided. */
export const MAX_TIMEOUT_SECONDS = 30 * 24 * 3600;

export const OpenWalletBody = z.strictObject({ currency: currencySchema }).meta({ id: 'OpenWalletRequest' });

export const SystemAccountBody = z
  .strictObject({
    code: z
      .string()
      .regex(/^[a-z0-9_]+(:[a-z0-9_]+)*$/, { error: 'must look like clearing:sandbox' })
      .max(100)
      .meta({ description: 'What the account is for, e.g. clearing:sandbox or fees.', example: 'clearing:sandbox' }),
    currency: currencySchema,
  })
  .meta({ id: 'SystemAccountRequest' });

export const CreateTransferBody = z
  .strictObject({
    from_account: accountId,
    to_account: accountId,
    amount: amountSchema,
    currency: currencySchema,
    description: z.string().max(500).optional(),
    metadata: metadataSchema.optional(),
    pending: z
      .boolean()
      .optional()
      .meta({ description: 'true: place a hold (a pending transfer) to post or void later.' }),
    timeout_seconds: z
      .number({ error: `must be an integer number of seconds, 1 to ${MAX_TIMEOUT_SECONDS}` })
      .int({ error: `must be an integer number of seconds, 1 to ${MAX_TIMEOUT_SECONDS}` })
      .min(1, { error: `must be an integer number of seconds, 1 to ${MAX_TIMEOUT_SECONDS}` })
      .max(MAX_TIMEOUT_SECONDS, { error: `must be an integer number of seconds, 1 to ${MAX_TIMEOUT_SECONDS}` })
      .optional()
      .meta({
        description:
          'Pending transfers only: voided automatically if not posted or voided within this time. Default: no deadline.',
      }),
  })
  .refine((b) => b.timeout_seconds === undefined || b.pending === true, {
    error: 'applies only to pending transfers (pending: true)',
    path: ['timeout_seconds'],
  })
  .meta({ id: 'CreateTransferRequest' });

export const PostTransferBody = z
  .strictObject({
    amount: amountSchema
      .optional()
      .meta({ description: 'How much of the hold to post (default: all of it); the rest is released.' }),
  })
  .meta({ id: 'PostTransferRequest' })
  .optional();

const balanceFields = {
  balance: z.number().int().meta({ description: 'Posted balance in minor units.' }),
  pending_debits: z.number().int(),
  pending_credits: z.number().int(),
  available: z.number().int().meta({ description: 'balance - pending_debits: what can be spent now.' }),
};

export const AccountSchema = z
  .object({
    id: z.string(),
    object: z.literal('account'),
    type: z.enum(['wallet', 'system']),
    owner: z.string().nullable(),
    code: z.string().nullable(),
    currency: z.string(),
    ...balanceFields,
    flags: z
      .object({
        allow_negative: z.boolean().meta({
          description:
            'Whether the balance may go below 0. false for wallets (a debit past available is refused with 402); true for system accounts such as provider clearing.',
        }),
      })
      .meta({ description: "The account's balance rules." }),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'Account' });

export const AccountListSchema = listResponseSchema(AccountSchema);

export const TransferSchema = z
  .object({
    id: z.string(),
    object: z.literal('transfer'),
    from_account: z.string(),
    to_account: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(['pending', 'posted', 'voided']),
    posted_amount: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'What moved: amount, or less after a partial post; null unless posted.' }),
    expires_at: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'Pending transfers: voided at this time unless posted or voided first.' }),
    resolved_at: z.iso.datetime().nullable().meta({ description: 'When a pending transfer was posted or voided.' }),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: z.iso.datetime(),
    balances: z
      .record(z.string(), z.object({ id: z.string(), ...balanceFields }))
      .optional()
      .meta({
        description: 'Balances right after the transfer (or its post or void), of the accounts the caller may see.',
      }),
  })
  .meta({ id: 'Transfer' });

export const TransferListSchema = listResponseSchema(TransferSchema);

const ExactInteger = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).meta({
  description:
    'An integer in minor units: a JSON number up to 2^53−1 in size, beyond that a decimal string, so no digit is lost.',
});

const DiscrepancySchema = z.object({
  check: z.enum([
    'currency_balance_sum',
    'currency_pending_sum',
    'account_balance',
    'account_pending_debits',
    'account_pending_credits',
    'wallet_negative',
  ]),
  currency: z.string(),
  account: z.string().optional(),
  expected: ExactInteger,
  actual: ExactInteger,
  message: z.string(),
});

export const VerificationSchema = z
  .object({
    object: z.literal('ledger_verification'),
    ok: z.boolean().meta({ description: 'true when every invariant holds.' }),
    checked_at: z.iso.datetime(),
    currencies: z.array(
      z.object({
        currency: z.string(),
        accounts: z.number().int(),
        balance_total: ExactInteger.meta({ description: 'Must be 0.' }),
        pending_debits_total: ExactInteger,
        pending_credits_total: ExactInteger.meta({ description: 'Must equal pending_debits_total.' }),
        ok: z.boolean(),
      }),
    ),
    discrepancies: z.array(DiscrepancySchema).meta({ description: 'Every broken invariant, not only the first.' }),
  })
  .meta({ id: 'LedgerVerification' });
