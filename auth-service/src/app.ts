import { createServiceApp } from '@micropay/platform';
import type { Dependencies } from './dependencies';
import { authRoutes } from './http/auth-routes';
import { oauthRoutes } from './http/oauth-routes';
import { wellKnownRoutes } from './http/well-known-routes';

/** The auth-service HTTP application (no listen: main.ts and the tests mount it). */
export function createApp(deps: Dependencies) {
  return createServiceApp({
    service: 'auth-service',
    logger: deps.logger,
    metrics: deps.metrics,
    lifecycle: deps.lifecycle,
    readinessCheck: () => deps.db.ping(),
    openapi: {
      title: 'MicroPay auth-service',
      version: '1.0.0',
      description: 'Users, login and tokens. Tokens are RS256 JWTs verifiable with the JWKS; service clients use the client-credentials grant.',
    },
    routes: [
      ...authRoutes(deps.identity),
      ...oauthRoutes(deps.grant),
      ...wellKnownRoutes(deps.keys, deps.config.issuer, deps.scopes),
    ],
  });
}
