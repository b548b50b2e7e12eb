import { z } from 'zod';
import currencyCodes from 'currency-codes';

const ISO_4217 = new Set(currencyCodes.codes().map((code) => code.toLowerCase()));

/** Money amounts are integers in minor units (1050 = 10.50), never floats. */
export const amountSchema = z
  .number({ error: 'must be an integer number of minor units' })
  .int({ error: 'must be an integer number of minor units (1050 = 10.50)' })
  .positive({ error: 'must be greater than 0' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'must be at most 9007199254740991' })
  .meta({ description: 'Amount in minor units of the currency (1050 = 10.50).', example: 1050 });

/** Lowercase ISO 4217 code, as Stripe writes them. */
export const currencySchema = z
  .string()
  .refine((value) => ISO_4217.has(value) && value === value.toLowerCase(), {
    error: 'must be a lowercase ISO 4217 currency code such as "usd" or "brl"',
  })
  .meta({ description: 'Three-letter ISO 4217 currency code, lowercase.', example: 'usd' });

/** Arbitrary client data: up to 20 string keys with short string values. */
export const metadataSchema = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((value) => Object.keys(value).length <= 20, { error: 'must have at most 20 keys' })
  .meta({ description: 'Up to 20 key/value pairs of your own.', example: { order_id: '6735' } });

/** Query parameters of every list endpoint (docs/contract.md §3), plus the list's own filters. */
export function listQuerySchema<F extends z.ZodRawShape = Record<never, never>>(idPattern: RegExp, filters?: F) {
  const cursor = z.string().regex(idPattern, { error: 'must be an object id from a previous page' });
  const page = {
    limit: z.coerce
      .number({ error: 'must be an integer between 1 and 100' })
      .int({ error: 'must be an integer between 1 and 100' })
      .min(1, { error: 'must be an integer between 1 and 100' })
      .max(100, { error: 'must be an integer between 1 and 100' })
      .default(10),
    starting_after: cursor.optional(),
    ending_before: cursor.optional(),
  };
  return z
    .strictObject({ ...page, ...(filters ?? ({} as F)) })
    .refine((q) => !((q as PageCursors).starting_after && (q as PageCursors).ending_before), {
      error: 'use either starting_after or ending_before, not both',
      path: ['ending_before'],
    });
}

interface PageCursors {
  starting_after?: string;
  ending_before?: string;
}

export function listResponseSchema<T extends z.ZodType>(item: T) {
  return z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean() });
}

export const errorResponseSchema = z
  .object({
    error: z.object({
      type: z.string(),
      code: z.string(),
      message: z.string(),
      param: z.string().optional(),
      request_id: z.string(),
    }),
  })
  .meta({ id: 'Error' });
