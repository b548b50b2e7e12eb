import type { Migration } from '@micropay/platform';

export const webhooksMigration: Migration = {
  name: '0002_webhooks',
  async up(knex) {
    await knex.schema.createTable('webhook_endpoints', (t) => {
      t.text('id').primary();
      t.text('owner_id').notNullable();
      t.text('url').notNullable();
      t.text('description');
      t.jsonb('enabled_events').notNullable();
      t.text('status').notNullable().defaultTo('enabled');
      t.text('disabled_reason');
      t.text('secret').notNullable();
      // During a rotation the old secret signs too, until it expires.
      t.text('previous_secret');
      t.timestamp('previous_secret_expires_at', { useTz: true });
      // Set at the first failure after a success; an endpoint failing for 5 days is disabled.
      t.timestamp('failing_since', { useTz: true });
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.index(['owner_id', 'id']);
    });
    await knex.raw(
      "alter table webhook_endpoints add constraint webhook_endpoints_status_check check (status in ('enabled', 'disabled'))",
    );
    // The durable delivery queue: one row per event and endpoint, claimed with a lease.
    await knex.schema.createTable('webhook_deliveries', (t) => {
      t.text('id').primary();
      t.text('endpoint_id').notNullable().references('id').inTable('webhook_endpoints').onDelete('cascade');
      t.text('event_id').notNullable();
      t.text('event_type').notNullable();
      // The exact bytes signed and sent, the same on every attempt.
      t.text('payload').notNullable();
      t.text('status').notNullable().defaultTo('pending');
      t.integer('attempts').notNullable().defaultTo(0);
      t.timestamp('next_attempt_at', { useTz: true }).defaultTo(knex.fn.now());
      t.timestamp('locked_until', { useTz: true });
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.unique(['endpoint_id', 'event_id']);
      t.index(['endpoint_id', 'id']);
    });
    await knex.raw(
      "alter table webhook_deliveries add constraint webhook_deliveries_status_check check (status in ('pending', 'succeeded', 'failed'))",
    );
    await knex.raw(
      "create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending'",
    );
    await knex.schema.createTable('webhook_attempts', (t) => {
      t.text('id').primary();
      t.text('delivery_id').notNullable().references('id').inTable('webhook_deliveries').onDelete('cascade');
      t.timestamp('attempted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.integer('status_code');
      t.integer('duration_ms').notNullable();
      t.text('error');
      t.timestamp('next_attempt_at', { useTz: true });
      t.index(['delivery_id', 'id']);
    });
  },
  async down(knex) {
    await knex.schema.dropTable('webhook_attempts');
    await knex.schema.dropTable('webhook_deliveries');
    await knex.schema.dropTable('webhook_endpoints');
  },
};
