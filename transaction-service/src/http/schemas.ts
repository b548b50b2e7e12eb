import { z } from 'zod';
import { amountSchema, currencySchema, listQuerySchema, listResponseSchema, metadataSchema } from '@micropay/platform';

export const ACCOUNT_ID = /^acct_[0-9A-HJKMNP-TV-Z]{26}$/;
export const TRANSFER_ID = /^tr_[0-9A-HJKMNP-TV-Z]{26}$/;

const accountId = z.string().regex(ACCOUNT_ID, { error: 'must be an account id (acct_…)' });

export const AccountIdParams = z.strictObject({ id: accountId });
export const TransferIdParams = z.strictObject({ id: z.string().regex(TRANSFER_ID, { error: 'must be a transfer id (tr_…)' }) });
export const AccountListQuery = listQuerySchema(ACCOUNT_ID);

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
  })
  .meta({ id: 'CreateTransferRequest' });

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
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: z.iso.datetime(),
    balances: z
      .record(z.string(), z.object({ id: z.string(), ...balanceFields }))
      .optional()
      .meta({ description: 'Balances right after the transfer, of the accounts the caller may see (on create only).' }),
  })
  .meta({ id: 'Transfer' });
