import type { Knex } from 'knex';
import type { LoginAttemptStore } from '../domain/login-lockout';

export class LoginAttemptRepository implements LoginAttemptStore {
  constructor(private readonly knex: Knex) {}

  async lockedForSeconds(key: string): Promise<number> {
    const row = await this.knex('login_attempts')
      .where({ key })
      .where('locked_until', '>', this.knex.fn.now())
      .first<{ seconds: number } | undefined>(this.knex.raw('ceil(extract(epoch from locked_until - now()))::int as seconds'));
    return row ? Math.max(1, row.seconds) : 0;
  }

  /** Counts one more failure (restarting the count after `windowSeconds` without one). */
  async recordFailure(key: string, windowSeconds: number): Promise<number> {
    const { rows } = await this.knex.raw<{ rows: { failures: number }[] }>(
      `insert into login_attempts as a (key, failures, last_failure_at) values (?, 1, now())
       on conflict (key) do update set
         failures = case when a.last_failure_at < now() - make_interval(secs => ?) then 1 else a.failures + 1 end,
         last_failure_at = now()
       returning failures`,
      [key, windowSeconds],
    );
    return rows[0]!.failures;
  }

  async lock(key: string, seconds: number): Promise<void> {
    await this.knex('login_attempts')
      .where({ key })
      .update({ locked_until: this.knex.raw('now() + make_interval(secs => ?)', [seconds]) });
  }

  async deleteStale(windowSeconds: number, limit: number): Promise<number> {
    const stale = this.knex('login_attempts')
      .select('key')
      .where('last_failure_at', '<', this.knex.raw('now() - make_interval(secs => ?)', [windowSeconds]))
      .where((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', this.knex.fn.now()))
      .limit(limit);
    return this.knex('login_attempts').whereIn('key', stale).delete();
  }

  async clear(key: string): Promise<void> {
    await this.knex('login_attempts').where({ key }).delete();
  }
}
