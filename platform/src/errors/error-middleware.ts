import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { AppError, commonErrors } from './app-error';
import { validationError } from './validation-error';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  /** zlib's, when a compressed body is corrupt (Z_DATA_ERROR, Z_BUF_ERROR, …). */
  code?: string;
}

/** Maps anything thrown by a handler or middleware to an AppError; unknown errors become a bare 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return validationError(error);
  // Express could not percent-decode a path segment (`/v1/accounts/%zz`).
  if (error instanceof URIError) {
    return commonErrors.parameter_invalid.create('A path parameter is not valid percent-encoding.');
  }
  const parserError = error as BodyParserError;
  if (parserError?.code?.startsWith('Z_') && parserError.status === 400) {
    return commonErrors.invalid_json.create(
      'The request body could not be decompressed: it is not what its Content-Encoding says.',
    );
  }
  switch (parserError?.type) {
    case 'entity.parse.failed':
      return commonErrors.invalid_json.create(`The request body is not valid JSON: ${parserError.message}`);
    case 'entity.too.large':
      return commonErrors.payload_too_large.create();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return commonErrors.unsupported_media_type.create('Request bodies must be UTF-8 encoded JSON.');
    case 'request.aborted':
      return commonErrors.parameter_invalid.create('The request was aborted by the client.');
  }
  return commonErrors.internal_error.create('An unexpected error occurred.', { cause: error });
}

export function errorBody(error: AppError, requestId: string | undefined) {
  return {
    error: {
      type: error.type,
      code: error.code,
      message: error.status >= 500 && error.code === 'internal_error' ? 'An unexpected error occurred.' : error.message,
      ...(error.param ? { param: error.param } : {}),
      ...error.details,
      request_id: requestId,
    },
  };
}

/** The one error middleware: the error body of docs/contract.md §3, the real status, no internals on 5xx. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const appError = toAppError(error);
    if (appError.status >= 500) {
      const cause = appError.code === 'internal_error' ? appError.cause : appError;
      logger.error({ err: cause, code: appError.code }, 'request failed');
    }
    res.locals.errorCode = appError.code;
    res.status(appError.status).set(appError.headers).json(errorBody(appError, res.locals.requestId));
  };
}

export const notFoundMiddleware: RequestHandler = (req, _res, next) => {
  next(commonErrors.resource_missing.create(`No route for ${req.method} ${req.path}.`));
};
