import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { claimLeased } from '../db/lease-claim';
import type { Migration } from '../db/migrate';
import type { Metrics } from '../metrics/metrics';
import { periodicJob, type PeriodicJob } from '../jobs/periodic-job';
import { newEvent, type EventEnvelope } from './event-envelope';

/** Delivers events to wherever events go: HTTP push locally, SNS in AWS. */
export interface EventPublisher {
  publish(event: EventEnvelope): Promise<void>;
  /**
   * Several events in order, fewer round trips than one by one; resolves to each event's
   * failure (undefined when published), in the order given. Publishers without it get `publish` per event.
   */
  publishBatch?(events: EventEnvelope[]): Promise<Array<Error | undefined>>;
}

/**
 * Writes an event in the caller's transaction, so it exists exactly when the state change it
 * describes does (transactional outbox). The relay publishes it after commit.
 */
export async function enqueueEvent<T extends Record<string, unknown>>(
  trx: Knex.Transaction,
  source: string,
  type: string,
  data: T,
): Promise<EventEnvelope<T>> {
  const [event] = await enqueueEvents(trx, source, [{ type, data }]);
  return event!;
}

/** Several events in the caller's transaction, with one INSERT; created in the order given. */
export async function enqueueEvents<T extends Record<string, unknown>>(
  trx: Knex.Transaction,
  source: string,
  events: ReadonlyArray<{ type: string; data: T }>,
): Promise<EventEnvelope<T>[]> {
  const envelopes = events.map(({ type, data }) => newEvent(source, type, data));
  if (envelopes.length === 0) return envelopes;
  await trx('outbox').insert(
    envelopes.map((event) => ({
      id: event.id,
      type: event.type,
      payload: JSON.stringify(event),
      created_at: event.time,
    })),
  );
  return envelopes;
}

export interface OutboxRelayOptions {
  knex: Knex;
  publisher: EventPublisher;
  logger: Logger;
  metrics: Metrics;
  batchSize?: number;
  pollIntervalMs?: number;
  /** A claimed row is invisible to other relays for this long; longer than a publish can take. */
  leaseSeconds?: number;
  maxBackoffSeconds?: number;
}

interface OutboxRow {
  id: string;
  type: string;
  payload: EventEnvelope;
  attempts: number;
  created_at: Date;
}

/**
 * Publishes outbox rows at least once. Rows are claimed with a lease (UPDATE … SKIP LOCKED)
 * and published outside any transaction, so several replicas can relay side by side and a
 * crash mid-publish only means the row is published again after its lease ends. Failures back
 * off exponentially; consumers dedupe by event id.
 */
export class OutboxRelay {
  private readonly job: PeriodicJob;
  private readonly published;
  private readonly failures;

  constructor(private readonly options: OutboxRelayOptions) {
    this.job = periodicJob('outbox-relay', options.pollIntervalMs ?? 1000, () => this.relayBatch(), options.logger);
    this.published = options.metrics.counter('outbox_events_published_total', 'Events published from the outbox.', [
      'type',
    ]);
    this.failures = options.metrics.counter(
      'outbox_publish_failures_total',
      'Failed attempts to publish an outbox event.',
      ['type'],
    );
  }

  start(): void {
    this.job.start();
  }

  /** Call after committing a transaction that enqueued events, to publish without waiting. */
  wake(): void {
    this.job.wake();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** One pass; returns true when a full batch was claimed (there may be more). */
  async relayBatch(): Promise<boolean> {
    const { knex, publisher, logger } = this.options;
    const batchSize = this.options.batchSize ?? 50;
    const claimed = await claimLeased<OutboxRow>(knex, {
      table: 'outbox',
      due: 'published_at is null and available_at <= now()',
      orderBy: 'created_at, id',
      limit: batchSize,
      leaseSeconds: this.options.leaseSeconds ?? 30,
      alsoSet: 'attempts = attempts + 1',
      returning: 'id, type, payload, attempts, created_at',
    });
    // RETURNING has no defined order: restore creation order (ids are time-ordered within a ms).
    const rows = claimed.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : 1));
    const outcomes = await publishAll(
      publisher,
      rows.map((row) => row.payload),
    );
    const published: typeof rows = [];
    for (const [i, row] of rows.entries()) {
      const error = outcomes[i];
      if (!error) {
        published.push(row);
        continue;
      }
      const delay = Math.min(2 ** Math.min(row.attempts, 16), this.options.maxBackoffSeconds ?? 300);
      await knex('outbox')
        .where({ id: row.id })
        .update({
          locked_until: null,
          available_at: knex.raw('now() + make_interval(secs => ?)', [delay]),
          last_error: String(error.message).slice(0, 1000),
        });
      this.failures.inc({ type: row.type });
      logger.warn({ err: error, event_id: row.id, attempts: row.attempts, retry_in_s: delay }, 'event publish failed');
    }
    // One statement marks the whole batch: a crash before it only republishes (at least once,
    // as a crash between a publish and its mark always could), while the lease keeps others off.
    if (published.length) {
      await knex('outbox')
        .whereIn(
          'id',
          published.map((row) => row.id),
        )
        .update({ published_at: knex.fn.now(), locked_until: null, last_error: null });
      for (const row of published) this.published.inc({ type: row.type });
    }
    return rows.length === batchSize;
  }
}

/** What a publish came to: its error, or undefined when it succeeded. */
export function failureOf(publishing: Promise<unknown>): Promise<Error | undefined> {
  return publishing.then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
}

/** Each event's failure (undefined when published), in order: as a batch when the publisher takes one. */
async function publishAll(publisher: EventPublisher, events: EventEnvelope[]): Promise<Array<Error | undefined>> {
  if (events.length === 0) return [];
  if (publisher.publishBatch) {
    try {
      return await publisher.publishBatch(events);
    } catch (error) {
      return events.map(() => error as Error);
    }
  }
  const outcomes: Array<Error | undefined> = [];
  for (const event of events) outcomes.push(await failureOf(publisher.publish(event)));
  return outcomes;
}

export const outboxMigration: Migration = {
  name: 'platform_0002_outbox',
  async up(knex) {
    await knex.schema.createTable('outbox', (t) => {
      t.text('id').primary();
      t.text('type').notNullable();
      t.jsonb('payload').notNullable();
      t.integer('attempts').notNullable().defaultTo(0);
      t.text('last_error');
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.timestamp('available_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.timestamp('locked_until', { useTz: true });
      t.timestamp('published_at', { useTz: true });
    });
    await knex.raw('create index outbox_unpublished_idx on outbox (available_at) where published_at is null');
  },
  async down(knex) {
    await knex.schema.dropTable('outbox');
  },
};
