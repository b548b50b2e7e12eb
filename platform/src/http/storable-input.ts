import { commonErrors, type AppError } from '../errors/app-error';
import { paramName } from '../errors/validation-error';

/** A UTF-16 surrogate without its pair: not a character, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Keys no input may have: `__proto__` is dropped by object spreads and schema parsers, so a
 * request that sends it would be stored as something other than what was sent.
 */
const FORBIDDEN_KEYS = new Set(['__proto__']);

function problemOf(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (it contains a lone surrogate)';
  return undefined;
}

/**
 * The first value in a request part that PostgreSQL cannot store as sent (NUL characters, lone
 * surrogates, in strings or in keys) or that would be silently dropped (`__proto__` keys), as a
 * 400 naming the field; undefined when everything is storable. Runs before the route's schema,
 * so every route refuses them the same way.
 */
export function unstorableInput(value: unknown, prefix?: string, path: PropertyKey[] = []): AppError | undefined {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    if (!problem) return undefined;
    const param = paramName(path, prefix) || undefined;
    return commonErrors.parameter_invalid.create(`Invalid ${param ?? 'body'}: ${problem}.`, { param });
  }
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    if (typeof key === 'string') {
      const problem = FORBIDDEN_KEYS.has(key) ? `"${key}" is not allowed as a key` : problemOf(key);
      if (problem) {
        const param = paramName(path, prefix) || undefined;
        return commonErrors.parameter_invalid.create(`Invalid ${param ?? 'body'}: ${problem}.`, { param });
      }
    }
    const error = unstorableInput(child, prefix, [...path, key]);
    if (error) return error;
  }
  return undefined;
}
