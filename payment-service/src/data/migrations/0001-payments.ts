import type { Migration } from '@micropay/platform';

export const paymentsMigration: Migration = {
  name: '0001_payments',
  async up(knex) {
    await knex.schema.createTable('payments', (t) => {
      t.text('id').primary();
      t.text('customer_id').notNullable();
      t.text('account_id').notNullable(); // the wallet credited
      t.bigInteger('amount').notNullable();
      t.text('currency').notNullable();
      t.text('method').notNullable();
      t.text('status').notNullable();
      t.text('provider').notNullable();
      t.text('provider_payment_id');
      // Card details kept: never the number or the CVC.
      t.text('card_brand');
      t.text('card_last4');
      t.integer('card_exp_month');
      t.integer('card_exp_year');
      t.text('card_fingerprint');
      t.text('description');
      t.jsonb('metadata').notNullable().defaultTo('{}');
      t.text('failure_code');
      t.text('failure_message');
      t.text('idempotency_key').notNullable();
      t.timestamp('captured_at', { useTz: true });
      t.text('ledger_transfer_id');
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      // One payment per customer and Idempotency-Key, whatever happens to the idempotency record.
      t.unique(['customer_id', 'idempotency_key']);
      t.index(['customer_id', 'id']);
    });
    await knex.raw(`
      alter table payments
        add constraint payments_amount_check check (amount > 0),
        add constraint payments_status_check check (status in
          ('requires_action', 'processing', 'requires_capture', 'succeeded', 'failed', 'canceled')),
        add constraint payments_method_check check (method in ('card', 'pix', 'boleto'))`);
    // The settlement job's work list: captured by the provider, not yet credited in the ledger.
    await knex.raw(`create index payments_awaiting_ledger on payments (updated_at)
                    where status = 'processing' and captured_at is not null and ledger_transfer_id is null`);
  },
  async down(knex) {
    await knex.schema.dropTable('payments');
  },
};
