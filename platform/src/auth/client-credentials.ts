import { commonErrors } from '../errors/app-error';
import { currentContext } from '../runtime/request-context';

export interface ClientCredentialsOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Scopes to request; omitted means all scopes the client is allowed. */
  scopes?: string[];
  timeoutMs?: number;
  /** Refresh this many seconds before expiry so a token never expires mid-call. */
  refreshSkewSeconds?: number;
}

export interface AccessTokenSource {
  getToken(): Promise<string>;
  /** Drops the cached token (after a peer answered 401). */
  invalidate(): void;
}

/**
 * OAuth 2.0 client-credentials tokens for calls between services (RFC 6749 §4.4), with HTTP Basic
 * client authentication as Cognito's token endpoint expects. One request in flight at a time;
 * the token is cached until shortly before it expires.
 */
export function clientCredentialsTokenSource(options: ClientCredentialsOptions): AccessTokenSource {
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (options.scopes?.length) form.set('scope', options.scopes.join(' '));
    const basic = Buffer.from(
      `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
    ).toString('base64');
    const headers: Record<string, string> = {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    };
    const requestId = currentContext()?.requestId;
    if (requestId) headers['x-request-id'] = requestId;
    let response: globalThis.Response;
    try {
      response = await fetch(options.tokenUrl, {
        method: 'POST',
        headers,
        body: form,
        signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
      });
    } catch (error) {
      throw commonErrors.upstream_unavailable.create('The token endpoint is unreachable.', { cause: error });
    }
    if (!response.ok) {
      throw commonErrors.upstream_unavailable.create(`The token endpoint answered ${response.status}.`, {
        cause: new Error(await response.text()),
      });
    }
    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw commonErrors.upstream_unavailable.create('The token endpoint returned no token.');
    const lifetime = body.expires_in ?? 300;
    cached = {
      token: body.access_token,
      refreshAt: Date.now() + Math.max(lifetime - (options.refreshSkewSeconds ?? 60), lifetime / 2) * 1000,
    };
    return body.access_token;
  }

  return {
    async getToken() {
      if (cached && Date.now() < cached.refreshAt) return cached.token;
      inflight ??= fetchToken().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
