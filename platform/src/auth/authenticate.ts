import type { Request, RequestHandler } from 'express';
import { commonErrors } from '../errors/app-error';
import type { AuthPolicy } from './policy';
import type { Caller, TokenVerifier } from './token-verifier';

const BEARER = /^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*\.[A-Za-z0-9\-_]*)\s*$/i;

export function bearerToken(req: Request): string {
  const header = req.get('authorization');
  if (!header) {
    throw commonErrors.authentication_required.create('Send an access token: Authorization: Bearer <token>.', {
      headers: { 'WWW-Authenticate': 'Bearer realm="micropay"' },
    });
  }
  const match = BEARER.exec(header);
  if (!match?.[1]) {
    throw commonErrors.invalid_token.create('The Authorization header must be "Bearer <JWT>".', {
      headers: { 'WWW-Authenticate': 'Bearer realm="micropay", error="invalid_token"' },
    });
  }
  return match[1];
}

/** Verifies the bearer token and checks it against the route's policy. */
export async function authenticateRequest(req: Request, verifier: TokenVerifier, policy: AuthPolicy): Promise<Caller> {
  const caller = await verifier.verify(bearerToken(req));
  if (caller.kind === 'user' && !policy.users) {
    throw commonErrors.forbidden.create('This endpoint is for service clients only.');
  }
  if (caller.kind === 'client') {
    if (policy.clientScopes === null) throw commonErrors.forbidden.create('This endpoint is for users only.');
    const missing = policy.clientScopes.filter((scope) => !caller.scopes.includes(scope));
    if (missing.length > 0) {
      throw commonErrors.insufficient_scope.create(`The token lacks the scope(s): ${missing.join(', ')}.`, {
        headers: {
          'WWW-Authenticate': `Bearer realm="micropay", error="insufficient_scope", scope="${policy.clientScopes.join(' ')}"`,
        },
      });
    }
  }
  if (caller.kind === 'user' && policy.groups && !policy.groups.some((g) => caller.groups.includes(g))) {
    throw commonErrors.forbidden.create(`This endpoint requires membership of: ${policy.groups.join(', ')}.`);
  }
  return caller;
}

/**
 * Express middleware form, for the gateway's JWT authorizer. Failures go to `next` rather than
 * a rejected promise, so it is safe to call outside Express's own promise handling.
 */
export function requireToken(verifier: TokenVerifier, policy: AuthPolicy): RequestHandler {
  return (req, res, next) => {
    authenticateRequest(req, verifier, policy).then((caller) => {
      res.locals.caller = caller;
      next();
    }, next);
  };
}
