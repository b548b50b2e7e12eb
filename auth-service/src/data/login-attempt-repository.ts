import type { Knex } from 'knex';
import { type AttemptRules, type LoginAttemptStore } from '../domain/ports';

export class LoginAttemptRepository implements LoginAttemptStore {
  constructor(private readonly knex: Knex) {}

  async begin(key: string, rules: AttemptRules): Promise<{ failures: number } | { lockedForSeconds: number }> {
    // The count this attempt makes, and the lock it sets when it reaches the limit, are written
    // by one statement; a key that is locked right now is left untouched and reported.
    const failures =
      'case when a.last_failure_at < now() - make_interval(secs => :window) then 1 else a.failures + 1 end';
    const lockFor = (count: string) =>
      `now() + make_interval(secs => (:schedule::int[])[least(${count} - :max + 1, cardinality(:schedule::int[]))])`;
    const { rows } = await this.knex.raw<{ rows: { failures: number }[] }>(
      `insert into login_attempts as a (key, failures, last_failure_at, locked_until)
       values (:key, 1, now(), case when 1 >= :max then ${lockFor('1')} end)
       on conflict (key) do update set
         failures = ${failures},
         last_failure_at = now(),
         locked_until = case when ${failures} >= :max then ${lockFor(failures)} else a.locked_until end
       where a.locked_until is null or a.locked_until <= now()
       returning failures`,
      { key, window: rules.windowSeconds, max: rules.maxFailures, schedule: `{${rules.lockSchedule.join(',')}}` },
    );
    if (rows[0]) return { failures: rows[0].failures };
    const locked = await this.knex('login_attempts')
      .where({ key })
      .first<{ seconds: number } | undefined>(
        this.knex.raw('ceil(extract(epoch from locked_until - now()))::int as seconds'),
      );
    return { lockedForSeconds: Math.max(1, locked?.seconds ?? 1) };
  }

  async undo(key: string): Promise<void> {
    await this.knex('login_attempts')
      .where({ key })
      .where('failures', '>', 0)
      .update({ failures: this.knex.raw('failures - 1'), locked_until: null });
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
