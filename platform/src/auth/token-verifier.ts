import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import { type AppError, commonErrors } from '../errors/app-error';
import { revocationFeed, type RevocationCheck } from './revocations';

/** Who is calling, from a verified access token. The same shape for the local issuer and Cognito. */
export interface Caller {
  kind: 'user' | 'client';
  /** `usr_…` for users, the client id for client-credentials tokens. */
  sub: string;
  clientId: string;
  scopes: string[];
  groups: string[];
  tokenId: string;
  /** `iat`, seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  /** The login session the token belongs to (`origin_jti`), when the issuer sets one. */
  sessionId?: string;
  /** Cognito's `username` claim (the local issuer puts the user id there too). */
  username?: string;
}

export interface TokenVerifier {
  verify(token: string): Promise<Caller>;
}

export interface TokenVerifierOptions {
  issuer: string;
  /** Where the issuer publishes its keys: auth-service's JWKS, or the Cognito pool's. */
  jwksUrl?: string;
  /**
   * The issuer's keys in process, instead of a URL: auth-service verifying its own tokens.
   * It must throw jose's `JWKSNoMatchingKey` for an unknown `kid`.
   */
  keys?: JWTVerifyGetKey;
  /** When set, only access tokens issued to these app clients are accepted. */
  clientIds?: string[];
  /**
   * Cognito names custom scopes `<resource server>/<scope>`: with this prefix set, such scopes
   * are seen without it (`micropay/ledger:write` → `ledger:write`), so routes name one scope in both modes.
   */
  scopePrefix?: string;
  clockToleranceSeconds?: number;
  jwksTimeoutMs?: number;
  /**
   * After a JWKS fetch, a token with an unknown `kid` refetches the set only once this long has
   * passed (default 30 s), so tokens with random kids cannot flood the issuer with requests.
   */
  jwksCooldownMs?: number;
  /**
   * Revoked sessions and users (ADR 0009): a user token they cover is refused. Given directly,
   * or built from `revocationsUrl` (auth-service's `/internal/revocations`, polled every
   * `revocationsRefreshMs`).
   */
  revocations?: RevocationCheck;
  revocationsUrl?: string;
  revocationsRefreshMs?: number;
  logger?: Logger;
}

interface AccessTokenClaims extends JWTPayload {
  token_use?: unknown;
  client_id?: unknown;
  scope?: unknown;
  username?: unknown;
  'cognito:groups'?: unknown;
  origin_jti?: unknown;
}

const invalid = (message: string, cause?: unknown) =>
  commonErrors.invalid_token.create(message, {
    cause,
    headers: { 'WWW-Authenticate': `Bearer realm="micropay", error="invalid_token"` },
  });

/**
 * Verifies RS256 access tokens against a JWKS URL (cached by jose, refetched on an unknown
 * `kid` at most once per `jwksCooldownMs`, so a rotated key is picked up without a restart). The algorithm is pinned, so `alg: none` and HS256-with-the-public-key
 * tokens fail; issuer, expiry and `token_use: "access"` are required.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const jwks = options.keys ?? remoteKeySet(options);
  const prefix = options.scopePrefix;
  const unprefix = (scope: string) => (prefix && scope.startsWith(prefix) ? scope.slice(prefix.length) : scope);
  const revocations =
    options.revocations ??
    (options.revocationsUrl
      ? revocationFeed({
          url: options.revocationsUrl,
          intervalMs: options.revocationsRefreshMs,
          logger: options.logger,
        })
      : undefined);

  const signatures = new VerifiedSignatures();
  const checkSignature = async (token: string): Promise<AccessTokenClaims> => {
    const known = signatures.get(token, options.clockToleranceSeconds ?? 5);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        algorithms: ['RS256'],
        clockTolerance: options.clockToleranceSeconds ?? 5,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      });
      signatures.add(token, payload);
      return payload;
    } catch (error) {
      throw mapVerificationError(error);
    }
  };

  return {
    async verify(token) {
      const claims = await checkSignature(token);
      // A token minted "later" (a skewed or compromised signer) would outlive its stated lifetime.
      const skew = options.clockToleranceSeconds ?? 5;
      if ((claims.iat as number) > Math.floor(Date.now() / 1000) + skew) {
        throw invalid('The token was issued in the future.');
      }
      if (claims.token_use !== 'access') throw invalid('The token is not an access token.');
      if (typeof claims.client_id !== 'string') throw invalid('The token has no client_id.');
      if (options.clientIds && !options.clientIds.includes(claims.client_id)) {
        throw invalid('The token was issued to an unknown client.');
      }
      const sub = claims.sub as string;
      const groups = claims['cognito:groups'];
      // Cognito marks client-credentials tokens by sub === client_id and no username.
      const kind = sub === claims.client_id && claims.username === undefined ? 'client' : 'user';
      const sessionId = typeof claims.origin_jti === 'string' ? claims.origin_jti : undefined;
      if (kind === 'user' && revocations?.isRevoked({ sub, sessionId, issuedAt: claims.iat as number })) {
        throw invalid('The session of this token has ended; log in again.');
      }
      return {
        kind,
        sub,
        clientId: claims.client_id,
        scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean).map(unprefix) : [],
        groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
        tokenId: claims.jti as string,
        issuedAt: claims.iat as number,
        expiresAt: claims.exp as number,
        sessionId,
        username: typeof claims.username === 'string' ? claims.username : undefined,
      };
    },
  };
}

/**
 * Tokens whose signature, issuer and claims jose accepted in the last minute, with their claims:
 * a client sends the same token with every request, and every service behind the gateway checks
 * it again, so the RSA verification showed in CPU profiles of each. Only the signature check is
 * remembered: expiry, `iat`, the token's use and client and the revocation list are checked on
 * every request. A minute bounds how long a key removed from the JWKS keeps being trusted for
 * tokens it already verified (they expire within their 15 minutes anyway).
 */
class VerifiedSignatures {
  private readonly entries = new Map<string, { claims: AccessTokenClaims; until: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly max = 10_000,
  ) {}

  get(token: string, toleranceSeconds: number): AccessTokenClaims | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    const now = Date.now();
    if (entry.until <= now || (entry.claims.exp as number) + toleranceSeconds <= now / 1000) {
      this.entries.delete(token); // jose checks it again, and says what is wrong with it
      return undefined;
    }
    return entry.claims;
  }

  add(token: string, claims: AccessTokenClaims): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { claims, until: Date.now() + this.ttlMs });
  }
}

function remoteKeySet(options: TokenVerifierOptions): JWTVerifyGetKey {
  if (!options.jwksUrl) throw new Error('createTokenVerifier needs jwksUrl or keys');
  return createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: options.jwksTimeoutMs ?? 3000,
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
    cacheMaxAge: 10 * 60_000,
  });
}

function mapVerificationError(error: unknown): AppError {
  const keySetUnavailable =
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError) ||
    error.code === 'ERR_JOSE_GENERIC'; // jose's error for a non-200 JWKS response
  if (keySetUnavailable) {
    // The key set could not be fetched: the token may be fine, so this is not a 401.
    return commonErrors.upstream_unavailable.create('The token signing keys are unavailable; retry later.', {
      cause: error,
    });
  }
  if (error instanceof errors.JWTExpired) return invalid('The token has expired.', error);
  if (error instanceof errors.JWTClaimValidationFailed)
    return invalid(`The token's ${error.claim} claim is invalid.`, error);
  return invalid('The token signature or format is invalid.', error);
}
