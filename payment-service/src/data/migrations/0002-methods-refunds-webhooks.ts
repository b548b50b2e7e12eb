import type { Migration } from '@micropay/platform';

/**
 * One method-agnostic payment row (method details in their own JSON structure, no card
 * columns), the amounts Stripe shows, the work a payment still owes the ledger or the provider
 * with its backoff, refunds, verified provider events, and reconciliation findings.
 */
export const methodsRefundsWebhooksMigration: Migration = {
  name: '0002_methods_refunds_webhooks',
  async up(knex) {
    await knex.raw(`
      alter table payments
        add column capture_method text not null default 'automatic',
        add column amount_capturable bigint not null default 0,
        add column amount_received bigint not null default 0,
        add column amount_refunded bigint not null default 0,
        add column method_details jsonb not null default '{}',
        add column cancellation_reason text,
        add column expires_at timestamptz,
        add column authorized_at timestamptz,
        add column ledger_hold_id text,
        add column ledger_action text,
        add column provider_action text,
        add column attempts integer not null default 0,
        add column next_attempt_at timestamptz,
        add column reconciled_at timestamptz`);
    // Rows written before this migration: card details move into method_details, succeeded
    // payments received their amount, captured ones still owe the ledger their credit.
    await knex.raw(`
      update payments set method_details = jsonb_build_object('card', jsonb_build_object(
        'brand', card_brand, 'last4', card_last4, 'expMonth', card_exp_month,
        'expYear', card_exp_year, 'fingerprint', card_fingerprint))
      where card_brand is not null`);
    await knex.raw(
      `update payments set amount_received = amount where status = 'succeeded' or captured_at is not null`,
    );
    await knex.raw(`
      update payments set ledger_action = 'credit', next_attempt_at = now()
      where status = 'processing' and captured_at is not null and ledger_transfer_id is null`);
    await knex.raw(`drop index if exists payments_awaiting_ledger`);
    await knex.raw(`
      alter table payments
        drop column card_brand, drop column card_last4, drop column card_exp_month,
        drop column card_exp_year, drop column card_fingerprint,
        add constraint payments_capture_method_check check (capture_method in ('automatic', 'manual')),
        add constraint payments_amounts_check check (
          amount_capturable between 0 and amount
          and amount_received between 0 and amount
          and amount_refunded between 0 and amount_received),
        add constraint payments_cancellation_reason_check check (cancellation_reason in
          ('requested_by_customer', 'expired', 'abandoned')),
        add constraint payments_ledger_action_check check (ledger_action in ('credit', 'hold', 'post', 'void')),
        add constraint payments_provider_action_check check (provider_action in
          ('lookup', 'capture', 'cancel', 'create')),
        add constraint payments_amount_limit_check check (amount <= 9999999999)`);
    // The settlement job's work list and the expiry job's watch list stay small: partial indexes.
    await knex.raw(`create index payments_due_work on payments (next_attempt_at)
                    where ledger_action is not null or provider_action is not null`);
    await knex.raw(`create index payments_waiting_expiry on payments (expires_at)
                    where status in ('requires_action', 'requires_capture')`);
    await knex.raw(`create index payments_unreconciled on payments (updated_at)
                    where reconciled_at is null and status in ('succeeded', 'canceled', 'failed')`);

    await knex.schema.createTable('refunds', (t) => {
      t.text('id').primary();
      t.text('payment_id').notNullable().references('id').inTable('payments');
      t.text('customer_id').notNullable();
      t.bigInteger('amount').notNullable();
      t.text('currency').notNullable();
      t.text('status').notNullable();
      t.text('reason');
      t.text('failure_code');
      t.text('idempotency_key').notNullable();
      t.text('ledger_transfer_id');
      t.text('provider_refund_id');
      t.text('action');
      t.integer('attempts').notNullable().defaultTo(0);
      t.timestamp('next_attempt_at', { useTz: true });
      t.timestamp('reconciled_at', { useTz: true });
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.unique(['customer_id', 'idempotency_key']);
      t.index(['customer_id', 'id']);
      t.index(['payment_id', 'id']);
    });
    await knex.raw(`
      alter table refunds
        add constraint refunds_amount_check check (amount > 0),
        add constraint refunds_status_check check (status in ('pending', 'succeeded', 'failed')),
        add constraint refunds_reason_check check (reason in ('duplicate', 'fraudulent', 'requested_by_customer')),
        add constraint refunds_action_check check (action in ('debit', 'payout', 'reverse'))`);
    await knex.raw(`create index refunds_due_work on refunds (next_attempt_at) where action is not null`);

    // Provider webhooks, verified and deduplicated by the provider's event id before 2xx.
    await knex.schema.createTable('provider_events', (t) => {
      t.text('id').primary();
      t.text('type').notNullable();
      t.text('payment_id').notNullable();
      t.text('provider_payment_id').notNullable();
      t.bigInteger('amount').notNullable();
      t.timestamp('occurred_at', { useTz: true }).notNullable();
      t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.timestamp('processed_at', { useTz: true });
      t.text('outcome');
    });
    await knex.raw(`create index provider_events_unprocessed on provider_events (received_at)
                    where processed_at is null`);

    await knex.schema.createTable('reconciliation_findings', (t) => {
      t.bigIncrements('id');
      t.text('subject').notNullable(); // pay_… or re_…
      t.text('kind').notNullable();
      t.text('detail').notNullable();
      t.timestamp('found_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.index(['found_at']);
    });
  },
  async down(knex) {
    await knex.schema.dropTable('reconciliation_findings');
    await knex.schema.dropTable('provider_events');
    await knex.schema.dropTable('refunds');
  },
};
