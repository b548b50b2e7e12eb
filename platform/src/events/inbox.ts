import type { Knex } from 'knex';
import type { Migration } from '../db/migrate';
import type { EventEnvelope } from './event-envelope';

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
    const inserted = await trx('inbox')
      .insert({ event_id: event.id, type: event.type, source: event.source })
      .onConflict('event_id')
      .ignore()
      .returning('event_id');
    if (inserted.length === 0) return false;
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
