import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export interface SigningKeyStore {
  active(): Promise<{ kid: string; privateJwk: JWK } | undefined>;
  insertActive(key: { kid: string; privateJwk: JWK; publicJwk: JWK }): Promise<void>;
  publishable(graceSeconds: number): Promise<{ kid: string; publicJwk: JWK }[]>;
}

export interface ActiveKey {
  kid: string;
  privateKey: CryptoKey;
}

/**
 * The issuer's RS256 keys: created on first start and stored, so tokens survive restarts and
 * every replica signs with the same key. The JWKS publishes every key whose tokens may still be
 * valid.
 */
export class SigningKeys {
  private cached?: ActiveKey;

  constructor(
    private readonly store: SigningKeyStore,
    private readonly maxTokenLifetimeSeconds: number,
  ) {}

  async active(): Promise<ActiveKey> {
    if (this.cached) return this.cached;
    let stored = await this.store.active();
    if (!stored) {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const kid = randomUUID();
      await this.store.insertActive({
        kid,
        privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' },
        publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
      });
      stored = await this.store.active(); // another replica may have won the race
      if (!stored) throw new Error('no active signing key after creating one');
    }
    this.cached = { kid: stored.kid, privateKey: (await importJWK(stored.privateJwk, 'RS256')) as CryptoKey };
    return this.cached;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    await this.active();
    const keys = await this.store.publishable(this.maxTokenLifetimeSeconds);
    return { keys: keys.map((k) => k.publicJwk) };
  }
}
