import type { Knex } from 'knex';
import { type RefreshOutcome, type SessionStore } from '../domain/ports';
import { recordRevocation } from './revocation-repository';

/** Sessions (refresh-token families) and their refresh tokens, stored as SHA-256 hashes only. */
export class SessionRepository implements SessionStore {
  /**
   * `revocationSeconds`: how long an ended session stays on the revocation list (ADR 0009), the
   * access-token lifetime, so its tokens are refused by every service until they expire anyway.
   */
  constructor(
    private readonly knex: Knex,
    private readonly revocationSeconds: number,
  ) {}

  async create(session: {
    id: string;
    userId: string;
    clientId: string;
    expiresAt: Date;
    refreshTokenId: string;
    refreshTokenHash: string;
  }): Promise<void> {
    await this.knex.transaction(async (trx) => {
      await trx('sessions').insert({
        id: session.id,
        user_id: session.userId,
        client_id: session.clientId,
        expires_at: session.expiresAt,
      });
      await trx('refresh_tokens').insert({
        id: session.refreshTokenId,
        token_hash: session.refreshTokenHash,
        user_id: session.userId,
        family_id: session.id,
        client_id: session.clientId,
        expires_at: session.expiresAt,
      });
    });
  }

  /**
   * Exchanges a refresh token for its successor in one transaction, with the token and its
   * session locked so two concurrent uses of one token cannot both succeed. A token that was
   * already used (or revoked) is a replay: the whole session is revoked, and that is committed.
   */
  async rotate(tokenHash: string, next: { id: string; tokenHash: string }): Promise<RefreshOutcome> {
    return this.knex.transaction(async (trx) => {
      const row = await trx('refresh_tokens as rt')
        .join('sessions as s', 's.id', 'rt.family_id')
        .where('rt.token_hash', tokenHash)
        .forUpdate()
        .first<{
          id: string;
          family_id: string;
          user_id: string;
          client_id: string;
          used_at: Date | null;
          revoked_at: Date | null;
          session_created_at: Date;
          session_revoked_at: Date | null;
          session_live: boolean;
        }>(
          'rt.id',
          'rt.family_id',
          'rt.user_id',
          'rt.client_id',
          'rt.used_at',
          'rt.revoked_at',
          's.created_at as session_created_at',
          's.revoked_at as session_revoked_at',
          trx.raw('s.expires_at > now() as session_live'),
        );
      if (!row) return { outcome: 'unknown' as const };
      if (row.used_at || row.revoked_at) {
        if (!row.session_revoked_at)
          await revokeSession(trx, row.family_id, 'refresh_token_reuse', this.revocationSeconds);
        return { outcome: 'reused' as const, sessionId: row.family_id };
      }
      if (row.session_revoked_at || !row.session_live) return { outcome: 'ended' as const, sessionId: row.family_id };
      await trx('refresh_tokens').where({ id: row.id }).update({ used_at: trx.fn.now() });
      await trx.raw(
        `insert into refresh_tokens (id, token_hash, user_id, family_id, client_id, expires_at)
         select ?, ?, user_id, id, client_id, expires_at from sessions where id = ?`,
        [next.id, next.tokenHash, row.family_id],
      );
      return {
        outcome: 'rotated' as const,
        session: { id: row.family_id, userId: row.user_id, clientId: row.client_id, createdAt: row.session_created_at },
      };
    });
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.knex.transaction((trx) => revokeSession(trx, sessionId, reason, this.revocationSeconds));
  }

  /**
   * A session past its lifetime can never be refreshed again, and its access tokens expired long
   * before: the row and its refresh tokens (deleted by the foreign key's cascade) only take space.
   * Revoked sessions stay until then, as the record of a logout or a detected replay.
   */
  async deleteEnded(limit: number): Promise<number> {
    return this.knex('sessions')
      .whereIn(
        'id',
        this.knex('sessions')
          .select('id')
          .where('expires_at', '<', this.knex.fn.now())
          .orderBy('expires_at')
          .limit(limit),
      )
      .delete();
  }

  async isActive(sessionId: string): Promise<boolean> {
    const row = await this.knex('sessions')
      .where({ id: sessionId })
      .whereNull('revoked_at')
      .where('expires_at', '>', this.knex.fn.now())
      .first('id');
    return Boolean(row);
  }
}

async function revokeSession(
  trx: Knex.Transaction,
  sessionId: string,
  reason: string,
  revocationSeconds: number,
): Promise<void> {
  const ended = await trx('sessions')
    .where({ id: sessionId })
    .whereNull('revoked_at')
    .update({ revoked_at: trx.fn.now(), revoked_reason: reason });
  // On the list in the same transaction: a committed logout is always published.
  if (ended > 0) await recordRevocation(trx, { type: 'session', id: sessionId }, revocationSeconds);
  await trx('refresh_tokens')
    .where({ family_id: sessionId })
    .whereNull('revoked_at')
    .update({ revoked_at: trx.fn.now() });
}
