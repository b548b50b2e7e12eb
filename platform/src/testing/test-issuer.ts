import { createHmac, randomUUID } from 'node:crypto';
import express from 'express';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { TokenVerifier } from '../auth/token-verifier';
import { createTokenVerifier } from '../auth/token-verifier';
import { listen, type Listening } from './http';

export interface TokenOptions {
  groups?: string[];
  expiresInSeconds?: number;
  issuer?: string;
  tokenUse?: string;
  clientId?: string;
  kid?: string;
  extra?: Record<string, unknown>;
  /** Moves `iat` (and `exp` with it) by this many seconds: a token "from the future". */
  issuedAtOffsetSeconds?: number;
}

/**
 * A real RS256 issuer for tests: its JWKS is served over HTTP like auth-service's, and the
 * tokens it mints have the same claims. It can also mint the forgeries a verifier must refuse.
 */
export class TestIssuer {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly userClientId = 'test-web-client';
  private constructor(
    private readonly server: Listening,
    private readonly privateKey: CryptoKey,
    readonly publicJwk: JWK,
    readonly publicPem: string,
    readonly kid: string,
  ) {
    this.issuer = server.url;
    this.jwksUrl = `${server.url}/.well-known/jwks.json`;
  }

  static async start(): Promise<TestIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = `test-${randomUUID()}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    const publicPem = await exportSPKI(publicKey);
    const app = express();
    app.get('/.well-known/jwks.json', (_req, res) => {
      res.json({ keys: [publicJwk] });
    });
    return new TestIssuer(await listen(app), privateKey, publicJwk, publicPem, kid);
  }

  verifier(): TokenVerifier {
    return createTokenVerifier({ issuer: this.issuer, jwksUrl: this.jwksUrl });
  }

  /** An end-user access token shaped like Cognito's. */
  async userToken(sub: string, options: TokenOptions = {}): Promise<string> {
    return this.sign(
      {
        sub,
        username: sub,
        client_id: options.clientId ?? this.userClientId,
        scope: 'aws.cognito.signin.user.admin',
        'cognito:groups': options.groups ?? ['customer'],
        token_use: options.tokenUse ?? 'access',
        ...options.extra,
      },
      options,
    );
  }

  /** A client-credentials access token (sub === client_id, no username), as Cognito issues them. */
  async clientToken(clientId: string, scopes: string[], options: TokenOptions = {}): Promise<string> {
    return this.sign(
      { sub: clientId, client_id: clientId, scope: scopes.join(' '), token_use: 'access', ...options.extra },
      options,
    );
  }

  private async sign(claims: Record<string, unknown>, options: TokenOptions): Promise<string> {
    const now = Math.floor(Date.now() / 1000) + (options.issuedAtOffsetSeconds ?? 0);
    const expiresIn = options.expiresInSeconds ?? 300;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? this.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer)
      .setIssuedAt(expiresIn < 0 ? now + expiresIn - 60 : now)
      .setExpirationTime(now + expiresIn)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  /** `alg: none`: no signature at all. */
  unsignedToken(sub: string): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64({ alg: 'none', typ: 'JWT' });
    const payload = b64({
      sub,
      username: sub,
      client_id: this.userClientId,
      token_use: 'access',
      iss: this.issuer,
      iat: now,
      exp: now + 300,
      jti: randomUUID(),
    });
    return `${header}.${payload}.`;
  }

  /** The classic key-confusion forgery: HS256 with the RSA public key as the HMAC secret. */
  hs256WithPublicKey(sub: string): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: this.kid });
    const payload = b64({
      sub,
      username: sub,
      client_id: this.userClientId,
      token_use: 'access',
      iss: this.issuer,
      iat: now,
      exp: now + 300,
      jti: randomUUID(),
    });
    const signature = createHmac('sha256', this.publicPem).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }

  /** A valid token whose payload was edited after signing. */
  async tamperedToken(sub: string, changes: Record<string, unknown>): Promise<string> {
    const [header, payload, signature] = (await this.userToken(sub)).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return `${header}.${b64({ ...claims, ...changes })}.${signature}`;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
