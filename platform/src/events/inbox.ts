import type { Knex } from 'knex';
import type { Migration } from '../db/migrate';
import type { EventEnvelope } from './event-envelope';

/**
 * Records the events in the inbox with one statement inside the caller's transaction and
 * returns the ids that were not there yet: the events this transaction is the first to process.
 * The caller's writes for those events commit with their inbox rows.
 */
export async function claimInbox(trx: Knex.Transaction, events: readonly EventEnvelope[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const inserted: { event_id: string }[] = await trx('inbox')
    .insert(events.map((e) => ({ event_id: e.id, type: e.type, source: e.source })))
    .onConflict('event_id')
    .ignore()
    .returning('event_id');
  return new Set(inserted.map((r) => r.event_id));
}

/**
 * Runs `handle` for an event at most once per event id: the inbox row and the handler's writes
 * commit together, so a redelivered event is recognised and skipped. Returns false for a
 * duplicate.
 */
export async function consumeOnce(
  knex: Knex,
  event: EventEnvelope,
  handle: (trx: Knex.Transaction) => Promise<void>,
): Promise<boolean> {
  return knex.transaction(async (trx) => {
    if (!(await claimInbox(trx, [event])).has(event.id)) return false;
    await handle(trx);
    return true;
  });
}

export const inboxMigration: Migration = {
  name: 'platform_0003_inbox',
  async up(knex) {
    await knex.schema.createTable('inbox', (t) => {
      t.text('event_id').primary();
      t.text('type').notNullable();
      t.text('source').notNullable();
      t.timestamp('processed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
  },
  async down(knex) {
    await knex.schema.dropTable('inbox');
  },
};
