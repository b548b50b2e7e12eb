import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import stringify from 'safe-stable-stringify';
import { commonErrors } from '../errors/app-error';
import type { Migration } from '../db/migrate';
import { periodicJob, type PeriodicJob } from '../jobs/periodic-job';
import type { Logger } from '../logging/logger';

export interface StoredResponse {
  status: number;
  body?: unknown;
}

export type IdempotencyStart = { outcome: 'proceed' } | { outcome: 'replay'; response: StoredResponse };

export interface IdempotencyStoreOptions {
  /** How long a key is remembered. docs/contract.md §3: at least 24 h. */
  ttlSeconds?: number;
  /**
   * How long a request may hold a key before a retry may take it over (the first holder
   * crashed). Longer than any request can run, so two executions never overlap.
   */
  lockSeconds?: number;
}

/**
 * Stripe/IETF idempotency keys, stored in the service's own schema. Same key + same request →
 * the first response again; same key + different request → 422; same key while the first is
 * still running → 409. Handlers must themselves be idempotent by key (their business rows carry
 * the key), so a takeover after a crash finds the work already done instead of repeating it.
 */
export class IdempotencyStore {
  private readonly ttlSeconds: number;
  private readonly lockSeconds: number;

  constructor(
    private readonly knex: Knex,
    options: IdempotencyStoreOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? 24 * 3600;
    this.lockSeconds = options.lockSeconds ?? 60;
  }

  static fingerprint(method: string, path: string, body: unknown): string {
    return createHash('sha256')
      .update(`${method.toUpperCase()} ${path}\n${stringify(body ?? null)}`)
      .digest('hex');
  }

  async start(caller: string, key: string, fingerprint: string): Promise<IdempotencyStart> {
    // One statement claims a new key, an expired one, or one whose holder died (lock expired,
    // same request). Anything else is left untouched and explained below.
    const claimed = await this.knex.raw(
      `insert into idempotency_keys (caller, key, request_hash, status, locked_until, created_at, expires_at)
       values (?, ?, ?, 'in_progress', now() + make_interval(secs => ?), now(), now() + make_interval(secs => ?))
       on conflict (caller, key) do update
         set request_hash = excluded.request_hash, status = 'in_progress', response_status = null,
             response_body = null, locked_until = excluded.locked_until, created_at = now(),
             expires_at = excluded.expires_at
       where idempotency_keys.expires_at < now()
          or (idempotency_keys.status = 'in_progress' and idempotency_keys.locked_until < now()
              and idempotency_keys.request_hash = excluded.request_hash)
       returning key`,
      [caller, key, fingerprint, this.lockSeconds, this.ttlSeconds],
    );
    if (claimed.rows.length === 1) return { outcome: 'proceed' };

    const existing = await this.knex('idempotency_keys').where({ caller, key }).first();
    if (!existing) return this.start(caller, key, fingerprint); // purged in between: claim again
    if (existing.request_hash !== fingerprint) {
      throw commonErrors.idempotency_key_reused.create(
        'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
        { param: 'Idempotency-Key' },
      );
    }
    if (existing.status === 'completed') {
      return { outcome: 'replay', response: { status: existing.response_status, body: existing.response_body } };
    }
    throw commonErrors.idempotency_key_in_use.create(
      'A request with this Idempotency-Key is still in progress. Retry after it completes.',
      { param: 'Idempotency-Key', headers: { 'Retry-After': '1' } },
    );
  }

  /**
   * Stores the response of the request holding the key. Within `trx` (the request's business
   * transaction) it commits with the change it describes. `onlyInProgress`: leave a key the
   * business transaction already completed as it is (a failure after that commit).
   */
  async complete(
    caller: string,
    key: string,
    response: StoredResponse,
    options: { trx?: Knex.Transaction; onlyInProgress?: boolean } = {},
  ): Promise<void> {
    await (options.trx ?? this.knex)('idempotency_keys')
      .where(options.onlyInProgress ? { caller, key, status: 'in_progress' } : { caller, key })
      .update({
        status: 'completed',
        response_status: response.status,
        response_body: JSON.stringify(response.body ?? null),
        locked_until: null,
      });
  }

  /** Forgets a key whose request did not complete (5xx): the client may retry with it. */
  async release(caller: string, key: string): Promise<void> {
    await this.knex('idempotency_keys').where({ caller, key, status: 'in_progress' }).delete();
  }

  async purgeExpired(): Promise<number> {
    return this.knex('idempotency_keys').where('expires_at', '<', this.knex.fn.now()).delete();
  }
}

/** Deletes expired keys every hour (they are kept 24 h, then forgotten). */
export function idempotencyPurgeJob(store: IdempotencyStore, logger: Logger, intervalMs = 3600_000): PeriodicJob {
  return periodicJob('idempotency-purge', intervalMs, async () => void (await store.purgeExpired()), logger);
}

export const idempotencyMigration: Migration = {
  name: 'platform_0001_idempotency_keys',
  async up(knex) {
    await knex.schema.createTable('idempotency_keys', (t) => {
      t.text('caller').notNullable();
      t.text('key').notNullable();
      t.text('request_hash').notNullable();
      t.text('status').notNullable();
      t.integer('response_status');
      t.jsonb('response_body');
      t.timestamp('locked_until', { useTz: true });
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.timestamp('expires_at', { useTz: true }).notNullable();
      t.primary(['caller', 'key']);
      t.index(['expires_at']);
    });
    await knex.raw(
      `alter table idempotency_keys add constraint idempotency_keys_status_check check (status in ('in_progress', 'completed'))`,
    );
  },
  async down(knex) {
    await knex.schema.dropTable('idempotency_keys');
  },
};

/**
 * A replay must return the first response byte for byte. `jsonb` reorders object keys, so the
 * stored body moves to `json`, which keeps the text as it was written. Services append it after
 * their existing migrations.
 */
export const idempotencyReplayTextMigration: Migration = {
  name: 'platform_0002_idempotency_response_as_written',
  async up(knex) {
    await knex.raw('alter table idempotency_keys alter column response_body type json using response_body::json');
  },
  async down(knex) {
    await knex.raw('alter table idempotency_keys alter column response_body type jsonb using response_body::jsonb');
  },
};
