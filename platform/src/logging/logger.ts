import pino, { type Logger } from 'pino';
import { currentContext } from '../http/request-context';

export type { Logger } from 'pino';

/**
 * Paths pino replaces with "[REDACTED]" wherever they appear in a log line: credentials,
 * tokens and card data must never reach the logs, even when someone logs a whole body.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...['password', 'new_password', 'client_secret', 'secret', 'token', 'access_token', 'refresh_token', 'id_token']
    .flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  ...['number', 'cvc', 'exp_month', 'exp_year'].flatMap((key) => [`card.${key}`, `*.card.${key}`, `*.*.card.${key}`]),
];

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
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
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
