import { createHash, timingSafeEqual } from 'node:crypto';
import { authErrors } from './errors';
import type { TokenIssuer } from './token-issuer';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for service-to-service calls. */
export class ClientCredentialsGrant {
  private readonly clients: Map<string, OAuthClient>;

  constructor(
    clients: OAuthClient[],
    private readonly tokens: TokenIssuer,
  ) {
    this.clients = new Map(clients.map((c) => [c.clientId, c]));
  }

  async issue(clientId: string, clientSecret: string, requestedScopes?: string[]) {
    const client = this.clients.get(clientId);
    // Compare digests of equal length in constant time, whether or not the client exists.
    const expected = digest(client?.clientSecret ?? 'no-such-client');
    if (!client || !timingSafeEqual(expected, digest(clientSecret))) {
      throw authErrors.invalid_client.create('Client authentication failed.', {
        headers: { 'WWW-Authenticate': 'Basic realm="micropay"' },
      });
    }
    const scopes = requestedScopes ?? client.scopes;
    const refused = scopes.filter((scope) => !client.scopes.includes(scope));
    if (refused.length) {
      throw authErrors.invalid_scope.create(`Scope(s) not allowed for ${clientId}: ${refused.join(', ')}.`, {
        param: 'scope',
      });
    }
    return this.tokens.clientToken(clientId, scopes);
  }
}
