import type { Knex } from 'knex';
import type { RevocationEntry } from '@micropay/platform';
import type { Revocation, RevocationStore } from '../domain/ports';

/**
 * A page read `since` a cursor also returns what was written this long before it: a revocation
 * whose transaction committed just after an earlier read still reaches every poller.
 */
const OVERLAP_MS = 10_000;

interface Row {
  type: 'session' | 'user';
  subject: string;
  issued_before: string | number | null;
  expires_at: Date;
}

/** The revocation list (ADR 0009): written at logout or replay, read by every service's verifier. */
export class RevocationRepository implements RevocationStore {
  constructor(
    private readonly knex: Knex,
    private readonly retentionSeconds: number,
  ) {}

  async record(revocation: Revocation, trx: Knex | Knex.Transaction = this.knex): Promise<void> {
    await recordRevocation(trx, revocation, this.retentionSeconds);
  }

  async page(since?: number): Promise<{ cursor: number; data: RevocationEntry[] }> {
    // The cursor is read first: a row written while this runs appears on this page or the next.
    const { rows } = await this.knex.raw<{ rows: { now: string }[] }>(
      `select floor(extract(epoch from clock_timestamp()) * 1000)::bigint as now`,
    );
    const cursor = Number(rows[0]!.now);
    const query = this.knex('revocations')
      .where('expires_at', '>', this.knex.fn.now())
      .orderBy('created_at')
      .select<Row[]>('type', 'subject', 'issued_before', 'expires_at');
    if (since !== undefined)
      query.where('created_at', '>', this.knex.raw('to_timestamp(? / 1000.0)', [since - OVERLAP_MS]));
    return { cursor, data: (await query).map(entry) };
  }

  async isRevoked(token: { sub: string; sessionId?: string; issuedAt: number }): Promise<boolean> {
    const row = await this.knex('revocations')
      .where('expires_at', '>', this.knex.fn.now())
      .andWhere((q) => {
        if (token.sessionId) q.orWhere({ type: 'session', subject: token.sessionId });
        q.orWhere((u) => u.where({ type: 'user', subject: token.sub }).andWhere('issued_before', '>', token.issuedAt));
      })
      .first('subject');
    return Boolean(row);
  }

  async deleteExpired(limit: number): Promise<number> {
    return this.knex('revocations')
      .whereIn(
        ['type', 'subject'],
        this.knex('revocations')
          .select('type', 'subject')
          .where('expires_at', '<', this.knex.fn.now())
          .orderBy('expires_at')
          .limit(limit),
      )
      .delete();
  }
}

/** Writes one revocation (in the caller's transaction when given one); a repeat only widens it. */
export async function recordRevocation(
  knex: Knex | Knex.Transaction,
  revocation: Revocation,
  retentionSeconds: number,
): Promise<void> {
  const expiresAt = knex.raw(`clock_timestamp() + make_interval(secs => ?)`, [retentionSeconds]);
  const insert = knex('revocations').insert({
    type: revocation.type,
    subject: revocation.id,
    issued_before: revocation.type === 'user' ? revocation.issuedBefore : null,
    expires_at: expiresAt,
  });
  if (revocation.type === 'session') await insert.onConflict(['type', 'subject']).ignore();
  else
    await insert.onConflict(['type', 'subject']).merge({
      issued_before: knex.raw('greatest(revocations.issued_before, excluded.issued_before)'),
      created_at: knex.raw('clock_timestamp()'),
      expires_at: knex.raw('excluded.expires_at'),
    });
}

const entry = (row: Row): RevocationEntry => ({
  type: row.type,
  id: row.subject,
  issued_before: row.issued_before === null ? null : Number(row.issued_before),
  expires_at: Math.floor(row.expires_at.getTime() / 1000),
});
