import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import type { SigningKeyStore } from './ports';

/** A token with a kid this replica has not seen may come from a key another replica just created. */
const UNKNOWN_KID_COOLDOWN_MS = 1000;

/**
 * A new key is published this long before it signs. Verifiers refetch the JWKS for an unknown
 * kid at most every 30 s (platform's createTokenVerifier): one that fetched just before a
 * rotation would refuse the new kid's tokens until then. Meanwhile the key it replaced signs on.
 */
export const NEW_KEY_LEAD_SECONDS = 60;

export interface ActiveKey {
  kid: string;
  privateKey: CryptoKey;
}

export interface SigningKeysOptions {
  /** The longest lifetime of a token these keys sign: a retired key is published that much longer. */
  maxTokenLifetimeSeconds: number;
  /** A key signs for this long, then a new one takes over (0: never rotate). */
  rotationSeconds: number;
  /** How long a replica keeps using the key it loaded before looking for a newer one. */
  cacheSeconds?: number;
  now?: () => number;
}

/**
 * The issuer's RS256 keys: created on first start and stored, so tokens survive restarts and
 * every replica signs with the same key. A key older than the rotation period is retired and a
 * new one created, published at once but signing only NEW_KEY_LEAD_SECONDS later; the JWKS keeps
 * publishing the retired key until every token it signed has expired (allowing for the lead and
 * for replicas that still sign with it until their cache runs out).
 */
export class SigningKeys {
  /** `createdAt`: of the active key (it decides rotation), which may not yet be the one that signs. */
  private cached?: { key: ActiveKey; createdAt: number; loadedAt: number };
  private published?: { jwks: { keys: JWK[] }; getKey: JWTVerifyGetKey; loadedAt: number };
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: SigningKeyStore,
    private readonly options: SigningKeysOptions,
  ) {
    this.cacheMs = (options.cacheSeconds ?? 60) * 1000;
    this.now = options.now ?? Date.now;
  }

  /** The key that signs now: the active one, or during its first NEW_KEY_LEAD_SECONDS the one it replaced. */
  async active(): Promise<ActiveKey> {
    const now = this.now();
    if (this.cached && now - this.cached.loadedAt < this.cacheMs && !this.due(this.cached.createdAt, now))
      return this.cached.key;
    let stored = await this.store.active();
    if (!stored) {
      await this.store.insertActive(await newKey());
      stored = await this.store.active(); // another replica may have won the race
    } else if (this.due(stored.createdAt.getTime(), now)) {
      await this.store.rotate(stored.kid, await newKey());
      stored = await this.store.active();
      this.published = undefined;
    }
    if (!stored) throw new Error('no active signing key after creating one');
    const signer = (await this.store.retiredWithin(NEW_KEY_LEAD_SECONDS)) ?? stored;
    this.cached = {
      key: { kid: signer.kid, privateKey: (await importJWK(signer.privateJwk, 'RS256')) as CryptoKey },
      createdAt: stored.createdAt.getTime(),
      loadedAt: now,
    };
    return this.cached.key;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return (await this.publishedKeys(false)).jwks;
  }

  /**
   * Verification keys for jose's jwtVerify, from the same set the JWKS publishes. An unknown
   * `kid` reloads the set at most once per cache period, so random kids cannot flood the database.
   */
  readonly verificationKey: JWTVerifyGetKey = async (header, token) => {
    const published = await this.publishedKeys(false);
    try {
      return await published.getKey(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      const reloaded = await this.publishedKeys(true);
      return reloaded.getKey(header, token);
    }
  };

  private async publishedKeys(unknownKid: boolean) {
    const now = this.now();
    const age = this.published ? now - this.published.loadedAt : Number.POSITIVE_INFINITY;
    if (this.published && age < this.cacheMs && !(unknownKid && age >= UNKNOWN_KID_COOLDOWN_MS)) return this.published;
    await this.active();
    const grace = this.options.maxTokenLifetimeSeconds + this.cacheMs / 1000 + NEW_KEY_LEAD_SECONDS;
    const jwks = { keys: (await this.store.publishable(grace)).map((k) => k.publicJwk) };
    this.published = { jwks, getKey: createLocalJWKSet(jwks), loadedAt: now };
    return this.published;
  }

  private due(createdAt: number, now: number): boolean {
    return this.options.rotationSeconds > 0 && now - createdAt >= this.options.rotationSeconds * 1000;
  }
}

async function newKey(): Promise<{ kid: string; privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const kid = randomUUID();
  return {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}
