import { auth, defineRoute } from '@micropay/platform';
import { z } from 'zod';
import type { SigningKeys } from '../domain/signing-keys';
import { ISSUED_CLAIMS, USER_TOKEN_SCOPE } from '../domain/token-issuer';
import { Jwks } from './schemas';

export function wellKnownRoutes(keys: SigningKeys, issuer: string, scopes: string[]) {
  return [
    defineRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'getJwks',
      summary: 'Public keys that verify MicroPay tokens',
      tags: ['discovery'],
      auth: auth.public(),
      responses: { 200: { description: 'JSON Web Key Set (RFC 7517).', schema: Jwks } },
      async handler() {
        return { status: 200, body: await keys.jwks(), headers: { 'Cache-Control': 'public, max-age=300' } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/.well-known/openid-configuration',
      operationId: 'getOpenIdConfiguration',
      summary: 'OpenID Connect discovery document of the local issuer',
      tags: ['discovery'],
      auth: auth.public(),
      responses: { 200: { description: 'Issuer metadata.', schema: z.record(z.string(), z.unknown()) } },
      async handler() {
        return {
          status: 200,
          headers: { 'Cache-Control': 'public, max-age=300' },
          body: {
            issuer,
            jwks_uri: `${issuer}/.well-known/jwks.json`,
            token_endpoint: `${issuer}/oauth2/token`,
            // Only what the token endpoint really grants: users log in and refresh at /v1/auth/*,
            // which are not OAuth grants, and there is no authorization endpoint (no response types).
            grant_types_supported: ['client_credentials'],
            token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
            response_types_supported: [],
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['RS256'],
            scopes_supported: [...scopes, USER_TOKEN_SCOPE],
            claims_supported: [...ISSUED_CLAIMS],
          },
        };
      },
    }),
  ];
}
