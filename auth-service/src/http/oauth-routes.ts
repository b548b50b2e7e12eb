import type { Request } from 'express';
import { auth, defineRoute } from '@micropay/platform';
import type { ClientCredentialsGrant } from '../domain/client-credentials-grant';
import { authErrors } from '../domain/errors';
import { ClientToken, ClientTokenBody } from './schemas';

/** HTTP Basic client authentication (RFC 6749 §2.3.1): form-encoded id and secret. */
function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.get('authorization') ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

export function oauthRoutes(grant: ClientCredentialsGrant) {
  return [
    defineRoute({
      method: 'post',
      path: '/oauth2/token',
      operationId: 'issueClientToken',
      summary: 'Client-credentials token for service-to-service calls',
      description:
        'OAuth 2.0 client-credentials grant. Authenticate with HTTP Basic (client_secret_basic) or client_id and client_secret in the form (client_secret_post).',
      tags: ['oauth2'],
      auth: auth.public(),
      bodyType: 'form',
      request: { body: ClientTokenBody },
      responses: { 200: { description: 'An access token with the granted scopes.', schema: ClientToken } },
      errors: [authErrors.invalid_client, authErrors.unsupported_grant_type, authErrors.invalid_scope],
      async handler({ body, req }) {
        if (body.grant_type !== 'client_credentials') {
          throw authErrors.unsupported_grant_type.create(`grant_type ${body.grant_type} is not supported here.`, {
            param: 'grant_type',
          });
        }
        const basic = basicCredentials(req);
        const id = basic?.id ?? body.client_id;
        const secret = basic?.secret ?? body.client_secret;
        if (!id || !secret)
          throw authErrors.invalid_client.create('Send client credentials with HTTP Basic authentication.');
        const scopes = body.scope?.split(' ').filter(Boolean);
        const token = await grant.issue(id, secret, scopes);
        return { status: 200, body: token, headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' } };
      },
    }),
  ];
}
