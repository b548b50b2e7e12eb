import type { Knex } from 'knex';
import type { JWK } from 'jose';

export interface StoredSigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: Date;
  retiredAt: Date | null;
}

interface SigningKeyRow {
  kid: string;
  private_jwk: JWK;
  public_jwk: JWK;
  created_at: Date;
  retired_at: Date | null;
}

const toKey = (row: SigningKeyRow): StoredSigningKey => ({
  kid: row.kid,
  privateJwk: row.private_jwk,
  publicJwk: row.public_jwk,
  createdAt: row.created_at,
  retiredAt: row.retired_at,
});

export class SigningKeyRepository {
  constructor(private readonly knex: Knex) {}

  async active(): Promise<StoredSigningKey | undefined> {
    const row = await this.knex<SigningKeyRow>('signing_keys').whereNull('retired_at').first();
    return row ? toKey(row) : undefined;
  }

  /** Stores a key as the active one unless another replica got there first. */
  async insertActive(key: { kid: string; privateJwk: JWK; publicJwk: JWK }): Promise<void> {
    await this.knex.raw(
      `insert into signing_keys (kid, private_jwk, public_jwk) values (?, ?, ?)
       on conflict ((true)) where retired_at is null do nothing`,
      [key.kid, JSON.stringify(key.privateJwk), JSON.stringify(key.publicJwk)],
    );
  }

  /**
   * Retires `currentKid` and makes `next` the active key, in one transaction. When another
   * replica rotated first, the update matches nothing and this does nothing.
   */
  async rotate(currentKid: string, next: { kid: string; privateJwk: JWK; publicJwk: JWK }): Promise<void> {
    await this.knex.transaction(async (trx) => {
      const retired = await trx('signing_keys')
        .where({ kid: currentKid })
        .whereNull('retired_at')
        .update({ retired_at: trx.fn.now() });
      if (retired === 0) return;
      await trx('signing_keys').insert({
        kid: next.kid,
        private_jwk: JSON.stringify(next.privateJwk),
        public_jwk: JSON.stringify(next.publicJwk),
      });
    });
  }

  async retiredWithin(seconds: number): Promise<StoredSigningKey | undefined> {
    const row = await this.knex<SigningKeyRow>('signing_keys')
      .where('retired_at', '>', this.knex.raw('now() - make_interval(secs => ?)', [seconds]))
      .orderBy('retired_at', 'desc')
      .first();
    return row ? toKey(row) : undefined;
  }

  /** Keys whose tokens may still be valid: the active one and those retired within `graceSeconds`. */
  async publishable(graceSeconds: number): Promise<StoredSigningKey[]> {
    const rows = await this.knex<SigningKeyRow>('signing_keys')
      .whereNull('retired_at')
      .orWhere('retired_at', '>', this.knex.raw('now() - make_interval(secs => ?)', [graceSeconds]))
      .orderBy('created_at', 'desc');
    return rows.map(toKey);
  }
}
