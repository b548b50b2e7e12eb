import type { Migration } from '@micropay/platform';

export const transfersMigration: Migration = {
  name: '0002_transfers',
  async up(knex) {
    await knex.schema.createTable('transfers', (t) => {
      t.text('id').primary();
      t.text('debit_account_id').notNullable().references('id').inTable('accounts');
      t.text('credit_account_id').notNullable().references('id').inTable('accounts');
      t.bigInteger('amount').notNullable();
      t.text('currency').notNullable();
      t.text('status').notNullable(); // pending | posted | voided
      t.text('description');
      t.jsonb('metadata').notNullable().defaultTo('{}');
      // Who asked for it (user:usr_… or client:payment-service) and with which Idempotency-Key:
      // at most one transfer per pair, even if the idempotency record is lost.
      t.text('initiator').notNullable();
      t.text('idempotency_key');
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.unique(['initiator', 'idempotency_key']);
    });
    await knex.raw(`
      alter table transfers
        add constraint transfers_amount_check check (amount > 0),
        add constraint transfers_distinct_accounts check (debit_account_id <> credit_account_id),
        add constraint transfers_status_check check (status in ('pending', 'posted', 'voided'))`);
    // Account history, newest first, by keyset: (account, id) with ids ordered by time.
    await knex.raw('create index transfers_debit_history on transfers (debit_account_id, id desc)');
    await knex.raw('create index transfers_credit_history on transfers (credit_account_id, id desc)');
  },
  async down(knex) {
    await knex.schema.dropTable('transfers');
  },
};
