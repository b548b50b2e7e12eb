import pino, { type Logger } from 'pino';
import { currentContext } from '../runtime/request-context';

export type { Logger } from 'pino';

/** Keys whose values are secret at any depth and in any letter case. */
const SECRET_KEYS = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'new_password',
  'client_secret',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'cvc',
  'cvv',
  'card_number',
  'pan',
]);
/** Keys that are secret inside a `card` object. */
const CARD_KEYS = new Set(['number', 'cvc', 'cvv', 'exp_month', 'exp_year']);
const MAX_DEPTH = 10;

/**
 * Credentials, tokens and card data never reach the logs, even when someone logs a whole body:
 * a copy of `value` with every secret replaced, or `value` itself when it holds none. Only
 * plain objects and arrays are walked; requests and errors go through their serializers, which
 * keep only method, url and status (create-service-app).
 */
export function censorSecrets(value: unknown, inCard = false, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => censorSecrets(item, inCard, depth + 1));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const lower = key.toLowerCase();
    const censored =
      item !== undefined && (SECRET_KEYS.has(lower) || (inCard && CARD_KEYS.has(lower)))
        ? '[REDACTED]'
        : censorSecrets(item, lower === 'card', depth + 1);
    if (censored !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = censored;
  }
  return copy ?? value;
}

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => censorSecrets(object) as Record<string, unknown>,
      },
      mixin(_object, _level, logger) {
        const context = currentContext();
        // Request loggers (pino-http) already carry request_id in their bindings.
        if (!context || 'request_id' in logger.bindings()) return {};
        return { request_id: context.requestId };
      },
    },
    destination,
  );
}
