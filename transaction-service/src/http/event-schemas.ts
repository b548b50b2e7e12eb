import { z } from 'zod';

/**
 * The `data` of account.balance_changed: the wallet as GET /v1/accounts/{id} shows it, after the
 * movement. Documented in the OpenAPI `webhooks` section; e2e/test/event-contracts.test.ts
 * checks that consumers parse what this promises. Loose: fields may be added.
 */
export const AccountEventData = z
  .looseObject({
    id: z.string().regex(/^acct_/),
    object: z.literal('account'),
    type: z.literal('wallet'),
    owner: z.string().meta({ description: "The wallet owner's user id (usr_…): whose webhooks receive it." }),
    currency: z.string().length(3),
    balance: z.number().int(),
    available: z.number().int(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'AccountEventData' });

export const ledgerEventSchemas: Record<string, z.ZodType> = { 'account.balance_changed': AccountEventData };
