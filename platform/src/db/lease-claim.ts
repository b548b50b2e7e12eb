import type { Knex } from 'knex';

/**
 * What `claimLeased` takes from one table. Every fragment is SQL written in code, never input.
 */
export interface LeaseClaim {
  /** The queue table; it has `id` and `locked_until` columns. */
  table: string;
  /** Rows waiting for work, such as `status = 'pending' and next_attempt_at <= now()`. */
  due: string;
  /** The order rows are taken in, such as `next_attempt_at, id`. */
  orderBy: string;
  limit: number;
  /** How long a claimed row stays off other workers: longer than one attempt can take. */
  leaseSeconds: number;
  /** More assignments made by the claim itself, such as `attempts = attempts + 1`. */
  alsoSet?: string;
  /** The columns returned (default every column). */
  returning?: string;
}

/**
 * Claims up to `limit` due rows with a lease (docs/adr/0007): one UPDATE over a `FOR UPDATE SKIP
 * LOCKED` sub-select, so workers on many replicas never take the same row, and a worker that
 * dies mid-attempt only delays its rows until the lease ends. The outbox relay and every
 * delivery queue of notification-service claim their work through it.
 */
export async function claimLeased<Row>(knex: Knex | Knex.Transaction, claim: LeaseClaim): Promise<Row[]> {
  const result = await knex.raw(
    `update ?? set locked_until = now() + make_interval(secs => ?)${claim.alsoSet ? `, ${claim.alsoSet}` : ''}
     where id in (
       select id from ??
       where (${claim.due}) and (locked_until is null or locked_until < now())
       order by ${claim.orderBy}
       limit ? for update skip locked)
     returning ${claim.returning ?? '*'}`,
    [claim.table, claim.leaseSeconds, claim.table, claim.limit],
  );
  return result.rows as Row[];
}
