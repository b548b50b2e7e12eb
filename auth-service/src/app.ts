import { createServiceApp } from '@micropay/platform';
import type { Dependencies } from './dependencies';
import { authRoutes } from './http/auth-routes';
import { oauthRoutes } from './http/oauth-routes';
import { authRateLimit } from './http/rate-limit';
import { revocationRoutes } from './http/revocation-routes';
import { wellKnownRoutes } from './http/well-known-routes';

/** The auth-service HTTP application (no listen: main.ts and the tests mount it). */
export function createApp(deps: Dependencies) {
  const { local } = deps;
  return createServiceApp({
    service: 'auth-service',
    logger: deps.logger,
    metrics: deps.metrics,
    lifecycle: deps.lifecycle,
    trustProxy: deps.config.http.trustProxy,
    readinessCheck: () => deps.db.ping(),
    openapi: {
      title: 'MicroPay auth-service',
      version: '1.0.0',
      description:
        "Users, login and tokens, from the local RS256 issuer or an AWS Cognito user pool (AUTH_PROVIDER). Tokens are JWTs verifiable with the issuer's JWKS; service clients use the client-credentials grant.",
    },
    verifier: deps.verifier,
    rawRouters: [authRateLimit(deps.config.rateLimit)],
    routes: [
      ...authRoutes(deps.identity, deps.lockout),
      ...revocationRoutes(deps.revocations),
      // Cognito serves its own token endpoint and keys; these belong to the local issuer.
      ...(local ? [...oauthRoutes(local.grant), ...wellKnownRoutes(local.keys, deps.config.issuer, local.scopes)] : []),
    ],
  });
}
