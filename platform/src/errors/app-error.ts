/** The error types the platform itself gives; a service may declare its own (payment-service: `card_error`). */
export type PlatformErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'api_error';

export type ErrorType = PlatformErrorType | (string & {});

export interface AppErrorOptions {
  param?: string;
  cause?: unknown;
  type?: ErrorType;
  /** Extra response headers, e.g. `Retry-After` or `WWW-Authenticate`. */
  headers?: Record<string, string>;
  /** Extra fields placed inside the error object (e.g. `decline_code`). Never internals. */
  details?: Record<string, unknown>;
}

/** The one error MicroPay code throws on purpose; the error middleware turns it into the body of docs/contract.md §3. */
export class AppError extends Error {
  readonly type: ErrorType;
  readonly param?: string;
  readonly headers: Record<string, string>;
  readonly details: Record<string, unknown>;

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.type = options.type ?? defaultType(status);
    this.param = options.param;
    this.headers = options.headers ?? {};
    this.details = options.details ?? {};
  }
}

function defaultType(status: number): PlatformErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export interface ErrorSpec {
  code: string;
  status: number;
  type: ErrorType;
  description: string;
  create(message?: string, options?: AppErrorOptions): AppError;
}

export type ErrorCatalog<K extends string = string> = { readonly [P in K]: ErrorSpec };

/**
 * Declares a set of error codes once. Routes list the specs they can produce, so every code a
 * service returns is in its OpenAPI document.
 */
export function defineErrors<K extends string>(
  definitions: Record<K, { status: number; description: string; type?: ErrorType }>,
): ErrorCatalog<K> {
  const catalog = {} as Record<K, ErrorSpec>;
  for (const code of Object.keys(definitions) as K[]) {
    const def = definitions[code];
    const type = def.type ?? defaultType(def.status);
    catalog[code] = {
      code,
      status: def.status,
      type,
      description: def.description,
      create: (message = def.description, options = {}) =>
        new AppError(code, def.status, message, { type, ...options }),
    };
  }
  return catalog;
}

/** Codes every service can return, whatever the route. */
export const commonErrors = defineErrors({
  parameter_missing: { status: 400, description: 'A required parameter is missing.' },
  parameter_invalid: { status: 400, description: 'A parameter has an invalid value.' },
  parameter_unknown: { status: 400, description: 'The request contains a parameter this endpoint does not accept.' },
  invalid_json: { status: 400, description: 'The request body is not valid JSON.' },
  payload_too_large: { status: 413, description: 'The request body is larger than 100 kB.' },
  unsupported_media_type: { status: 415, description: 'Request bodies must be sent as application/json.' },
  authentication_required: { status: 401, description: 'No bearer token was sent.' },
  invalid_token: { status: 401, description: 'The bearer token is invalid, expired or not an access token.' },
  insufficient_scope: { status: 403, description: 'The token lacks a scope this endpoint requires.' },
  forbidden: { status: 403, description: 'The caller may not perform this action.' },
  resource_missing: { status: 404, description: 'No such resource or route.' },
  idempotency_key_missing: {
    status: 400,
    type: 'idempotency_error',
    description: 'This endpoint requires an Idempotency-Key header.',
  },
  idempotency_key_reused: {
    status: 422,
    type: 'idempotency_error',
    description: 'The Idempotency-Key was already used with a different request body.',
  },
  idempotency_key_in_use: {
    status: 409,
    type: 'idempotency_error',
    description: 'A request with this Idempotency-Key is still being processed; retry later.',
  },
  headers_too_large: { status: 431, description: 'The request headers are larger than the server accepts (16 kB).' },
  rate_limited: { status: 429, description: 'Too many requests; retry after the Retry-After delay.' },
  upstream_unavailable: { status: 503, description: 'A service this request depends on is unavailable; retry later.' },
  service_unavailable: { status: 503, description: 'The service is starting or shutting down.' },
  internal_error: { status: 500, description: 'An unexpected error occurred.' },
});
