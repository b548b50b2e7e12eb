import pino, { type Logger } from 'pino';
import { currentContext } from '../runtime/request-context';

export type { Logger } from 'pino';

/** Keys whose values are secret at any depth and in any letter case, in every service. */
const SECRET_KEYS = [
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
];
const MAX_DEPTH = 10;

/**
 * What else a service keeps out of its logs: more secret keys, and keys that are secret only
 * inside an object of a given name (payment-service: `number` and `cvc` inside `card`).
 */
export interface LogSecrets {
  keys?: string[];
  within?: Record<string, string[]>;
}

interface Censor {
  keys: ReadonlySet<string>;
  within: ReadonlyMap<string, ReadonlySet<string>>;
}

function censorFor(extra: LogSecrets = {}): Censor {
  return {
    keys: new Set([...SECRET_KEYS, ...(extra.keys ?? [])].map((k) => k.toLowerCase())),
    within: new Map(
      Object.entries(extra.within ?? {}).map(([name, keys]) => [
        name.toLowerCase(),
        new Set(keys.map((k) => k.toLowerCase())),
      ]),
    ),
  };
}

/**
 * Credentials, tokens and (with a service's `LogSecrets`) card data never reach the logs, even
 * when someone logs a whole body: a copy of `value` with every secret replaced, or `value`
 * itself when it holds none. Only plain objects and arrays are walked; requests and errors go
 * through their serializers, which keep only method, url and status (create-service-app).
 */
export function censorSecrets(value: unknown, secrets: LogSecrets = {}): unknown {
  return censor(value, censorFor(secrets), undefined, 0);
}

function censor(value: unknown, rules: Censor, inside: ReadonlySet<string> | undefined, depth: number): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => censor(item, rules, inside, depth + 1));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const lower = key.toLowerCase();
    const censored =
      item !== undefined && (rules.keys.has(lower) || inside?.has(lower))
        ? '[REDACTED]'
        : censor(item, rules, rules.within.get(lower), depth + 1);
    if (censored !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = censored;
  }
  return copy ?? value;
}

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
  secrets?: LogSecrets;
}

export function createLogger({ service, level = 'info', destination, secrets }: LoggerOptions): Logger {
  const rules = censorFor(secrets);
  return pino(
    {
      level,
      base: { service },
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => censor(object, rules, undefined, 0) as Record<string, unknown>,
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
