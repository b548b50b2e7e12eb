import type { ZodError } from 'zod';
import type { AppError } from './app-error';
import { commonErrors } from './app-error';

type Issue = ZodError['issues'][number];

/** Renders a zod path the way clients write it: `card.number`, `items[2].amount`. */
export function paramName(path: PropertyKey[], prefix?: string): string {
  let name = prefix ?? '';
  for (const part of path) {
    if (typeof part === 'number') name += `[${part}]`;
    else name += name ? `.${String(part)}` : String(part);
  }
  return name;
}

/**
 * Turns the first zod issue into a 400 naming the field. Stripe-style codes: a missing field is
 * `parameter_missing`, an unexpected one `parameter_unknown`, anything else `parameter_invalid`.
 */
export function validationError(error: ZodError, prefix?: string): AppError {
  const issue = error.issues[0] as Issue;
  if (issue.code === 'unrecognized_keys') {
    const param = paramName([...issue.path, issue.keys[0] ?? ''], prefix);
    return commonErrors.parameter_unknown.create(`Received unknown parameter: ${param}.`, { param });
  }
  const param = paramName(issue.path, prefix);
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  if (missing) {
    return commonErrors.parameter_missing.create(`Missing required parameter: ${param || 'body'}.`, {
      param: param || undefined,
    });
  }
  return commonErrors.parameter_invalid.create(`Invalid ${param || 'body'}: ${issue.message}.`, {
    param: param || undefined,
  });
}
