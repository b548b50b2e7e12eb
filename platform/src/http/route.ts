import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { AppError, commonErrors, type ErrorSpec } from '../errors/app-error';
import { validationError } from '../errors/validation-error';
import { errorBody } from '../errors/error-middleware';
import type { Caller, TokenVerifier } from '../auth/token-verifier';
import { authenticateRequest } from '../auth/authenticate';
import type { AuthPolicy } from '../auth/policy';
import { IdempotencyStore } from '../idempotency/idempotency-store';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HandlerContext<B, P, Q> {
  body: B;
  params: P;
  query: Q;
  /** The verified caller; absent only on public routes. */
  caller: Caller;
  requestId: string;
  /** The validated `Idempotency-Key` on routes that take one. */
  idempotencyKey?: string;
  req: Request;
  res: Response;
}

export interface RouteSpec<B = unknown, P = unknown, Q = unknown> {
  method: HttpMethod;
  /** Express-style path: `/v1/accounts/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: AuthPolicy;
  request?: {
    body?: z.ZodType<B>;
    params?: z.ZodType<P>;
    query?: z.ZodType<Q>;
  };
  /** `form` for application/x-www-form-urlencoded bodies (the OAuth 2.0 token endpoint). */
  bodyType?: 'json' | 'form';
  /** `required` on every POST that moves money (DESIGN.md §3). */
  idempotency?: 'required' | 'optional';
  responses: Record<number, ResponseSpec>;
  /** Route-specific error codes; common ones (validation, auth, idempotency, 5xx) are added. */
  errors?: ErrorSpec[];
  /** Hidden routes (internal, service-to-service) are still documented but tagged internal. */
  internal?: boolean;
  handler(context: HandlerContext<B, P, Q>): Promise<Reply>;
}

export type AnyRoute = RouteSpec<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Identity function that gives a route spec its types; the spec is both router entry and docs. */
export function defineRoute<B = undefined, P = Record<string, never>, Q = Record<string, never>>(
  spec: RouteSpec<B, P, Q>,
): RouteSpec<B, P, Q> {
  return spec;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

function parseOrThrow<T>(schema: z.ZodType<T> | undefined, input: unknown, prefix?: string): T {
  if (!schema) return (input ?? {}) as T;
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw validationError(result.error, prefix);
  return result.data;
}

export interface RouteDependencies {
  verifier?: TokenVerifier;
  idempotency?: IdempotencyStore;
}

/** Turns a route spec into an Express handler: auth → validation → idempotency → handler → reply. */
export function routeHandler(route: AnyRoute, deps: RouteDependencies): RequestHandler {
  const hasBody = Boolean(route.request?.body);
  return async (req, res) => {
    res.locals.route = route.path;
    const requestId: string = res.locals.requestId;

    let caller: Caller | undefined;
    if (!route.auth.public) {
      if (!deps.verifier) throw new Error(`route ${route.operationId} needs a token verifier`);
      caller = await authenticateRequest(req, deps.verifier, route.auth);
      res.locals.caller = caller;
    }

    // Each route takes one media type; refuse others rather than guess.
    const mediaType =
      route.bodyType === 'form' ? 'application/x-www-form-urlencoded' : ['application/json', 'application/*+json'];
    if (hasBody && hasRequestBody(req) && !req.is(mediaType)) {
      throw commonErrors.unsupported_media_type.create(
        route.bodyType === 'form'
          ? 'This endpoint takes application/x-www-form-urlencoded bodies.'
          : 'Request bodies must be sent as application/json.',
      );
    }

    const params = parseOrThrow(route.request?.params, req.params);
    const query = parseOrThrow(route.request?.query, req.query);
    const body = parseOrThrow(route.request?.body, req.body);

    let idempotencyKey: string | undefined;
    let idempotent: { store: IdempotencyStore; caller: string; key: string } | undefined;
    if (route.idempotency) {
      const header = req.get('idempotency-key');
      if (header === undefined) {
        if (route.idempotency === 'required') {
          throw commonErrors.idempotency_key_missing.create(
            'This request moves money: send an Idempotency-Key header (a UUID is a good choice).',
            { param: 'Idempotency-Key' },
          );
        }
      } else {
        if (!IDEMPOTENCY_KEY.test(header)) {
          throw commonErrors.parameter_invalid.create('Idempotency-Key must be 1 to 255 printable ASCII characters.', {
            param: 'Idempotency-Key',
          });
        }
        if (!deps.idempotency) throw new Error(`route ${route.operationId} needs an idempotency store`);
        idempotencyKey = header;
        idempotent = { store: deps.idempotency, caller: callerKey(caller), key: header };
        const start = await deps.idempotency.start(
          idempotent.caller,
          header,
          IdempotencyStore.fingerprint(req.method, req.originalUrl.split('?')[0] ?? req.path, req.body),
        );
        if (start.outcome === 'replay') {
          res.status(start.response.status).set('Idempotent-Replayed', 'true').json(start.response.body);
          return;
        }
      }
    }

    let reply: Reply;
    try {
      reply = await route.handler({
        body,
        params,
        query,
        caller: caller as Caller,
        requestId,
        idempotencyKey,
        req,
        res,
      });
    } catch (error) {
      if (idempotent) await settleFailedIdempotentRequest(idempotent, error, requestId);
      throw error;
    }
    if (idempotent) await idempotent.store.complete(idempotent.caller, idempotent.key, reply);
    sendReply(res, reply);
  };
}

function hasRequestBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function callerKey(caller: Caller | undefined): string {
  return caller ? `${caller.kind}:${caller.sub}` : 'anonymous';
}

/**
 * A client error from the handler means the request was executed and rejected: store it so a
 * retry sees the same answer. A 5xx means it did not complete: release the key so the client
 * can retry it. An idempotency error from the handler (its own record of the key outlived this
 * store's, and the request differs) is about the key, not an outcome of this request, which never
 * ran: release the key too, so a retry of the original request still gets its original result.
 */
async function settleFailedIdempotentRequest(
  idempotent: { store: IdempotencyStore; caller: string; key: string },
  error: unknown,
  requestId: string,
): Promise<void> {
  if (error instanceof AppError && error.status < 500 && error.type !== 'idempotency_error') {
    await idempotent.store.complete(idempotent.caller, idempotent.key, {
      status: error.status,
      body: errorBody(error, requestId),
    });
  } else {
    await idempotent.store.release(idempotent.caller, idempotent.key);
  }
}

function sendReply(res: Response, reply: Reply): void {
  if (reply.headers) res.set(reply.headers);
  if (reply.body === undefined) res.status(reply.status).end();
  else res.status(reply.status).json(reply.body);
}
