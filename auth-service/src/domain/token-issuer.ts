import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKeys } from './signing-keys';
import type { User } from './user';

export interface TokenSet {
  access_token: string;
  id_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

export interface TokenIssuerOptions {
  issuer: string;
  appClientId: string;
  accessTokenTtlSeconds: number;
  clientTokenTtlSeconds: number;
}

/** The scope Cognito puts in a user's access token; ours carry it too, so both look alike. */
export const USER_TOKEN_SCOPE = 'aws.cognito.signin.user.admin';

/** Every claim this issuer can put in an access, id or client token (published in the discovery document). */
export const ISSUED_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'jti',
  'auth_time',
  'token_use',
  'client_id',
  'scope',
  'username',
  'origin_jti',
  'cognito:groups',
  'cognito:username',
  'email',
  'email_verified',
  'name',
] as const;

/**
 * Mints tokens with the claim shapes Cognito uses (token_use, client_id, cognito:groups,
 * username, origin_jti), so one verifier in every service accepts either issuer.
 */
export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly options: TokenIssuerOptions,
  ) {}

  async userTokens(
    user: User,
    session: { originJti: string; refreshToken: string; authTime: number },
  ): Promise<TokenSet> {
    const ttl = this.options.accessTokenTtlSeconds;
    const common = { 'cognito:groups': user.groups, auth_time: session.authTime, origin_jti: session.originJti };
    const access = await this.sign(
      {
        ...common,
        token_use: 'access',
        client_id: this.options.appClientId,
        username: user.id,
        scope: USER_TOKEN_SCOPE,
      },
      user.id,
      ttl,
    );
    const id = await this.sign(
      {
        ...common,
        token_use: 'id',
        aud: this.options.appClientId,
        email: user.email,
        email_verified: false,
        'cognito:username': user.id,
        name: user.name ?? undefined,
      },
      user.id,
      ttl,
    );
    return {
      access_token: access,
      id_token: id,
      refresh_token: session.refreshToken,
      token_type: 'Bearer',
      expires_in: ttl,
    };
  }

  async clientToken(
    clientId: string,
    scopes: string[],
  ): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }> {
    const ttl = this.options.clientTokenTtlSeconds;
    const token = await this.sign({ token_use: 'access', client_id: clientId, scope: scopes.join(' ') }, clientId, ttl);
    return { access_token: token, token_type: 'Bearer', expires_in: ttl };
  }

  private async sign(claims: Record<string, unknown>, subject: string, ttlSeconds: number): Promise<string> {
    const key = await this.keys.active();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(this.options.issuer)
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }
}

/** Opaque refresh tokens: 256 random bits; only their SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
