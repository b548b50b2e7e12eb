import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { commonErrors, type ErrorSpec } from '../errors/app-error';
import { validationError } from '../errors/validation-error';
import type { Caller, TokenVerifier } from '../auth/token-verifier';
import { authenticateRequest } from '../auth/authenticate';
import type { AuthPolicy } from '../auth/policy';
import type { IdempotencyStore } from '../idempotency/idempotency-store';
import { idempotencyKeyOf, runIdempotently, type IdempotentCompletion } from '../idempotency/idempotent-request';
import { unstorableInput } from './storable-input';

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
  /** With an Idempotency-Key: stores the response in the handler's own business transaction (optional). */
  idempotency?: IdempotentCompletion;
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
  /** `required` on every POST that moves money (docs/contract.md §3). */
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
  return async (req, res) => {
    res.locals.route = route.path;
    const requestId: string = res.locals.requestId;

    let caller: Caller | undefined;
    if (!route.auth.public) {
      if (!deps.verifier) throw new Error(`route ${route.operationId} needs a token verifier`);
      caller = await authenticateRequest(req, deps.verifier, route.auth);
      res.locals.caller = caller;
    }

    if (route.request?.body) assertMediaType(req, route.bodyType ?? 'json');

    const unstorable =
      unstorableInput(req.params) ?? unstorableInput(req.query) ?? unstorableInput(req.body as unknown);
    if (unstorable) throw unstorable;

    const params = parseOrThrow(route.request?.params, req.params);
    const query = parseOrThrow(route.request?.query, req.query);
    const body = parseOrThrow(route.request?.body, req.body);

    const idempotencyKey = route.idempotency ? idempotencyKeyOf(req, route.idempotency) : undefined;
    const handle = (idempotency?: IdempotentCompletion) =>
      route.handler({
        body,
        params,
        query,
        caller: caller as Caller,
        requestId,
        idempotencyKey,
        idempotency,
        req,
        res,
      });
    if (idempotencyKey === undefined) {
      sendReply(res, await handle());
      return;
    }
    if (!deps.idempotency) throw new Error(`route ${route.operationId} needs an idempotency store`);
    const request = { caller: callerKey(caller), key: idempotencyKey, req, requestId };
    sendReply(res, await runIdempotently(deps.idempotency, request, handle));
  };
}

/** Each route takes one media type; refuse others rather than guess. */
function assertMediaType(req: Request, bodyType: 'json' | 'form'): void {
  const accepted =
    bodyType === 'form' ? 'application/x-www-form-urlencoded' : ['application/json', 'application/*+json'];
  if (!hasRequestBody(req) || req.is(accepted)) return;
  throw commonErrors.unsupported_media_type.create(
    bodyType === 'form'
      ? 'This endpoint takes application/x-www-form-urlencoded bodies.'
      : 'Request bodies must be sent as application/json.',
  );
}

function hasRequestBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function callerKey(caller: Caller | undefined): string {
  return caller ? `${caller.kind}:${caller.sub}` : 'anonymous';
}

function sendReply(res: Response, reply: Reply): void {
  if (reply.headers) res.set(reply.headers);
  if (reply.body === undefined) res.status(reply.status).end();
  else res.status(reply.status).json(reply.body);
}
