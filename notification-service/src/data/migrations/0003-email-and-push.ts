import type { Migration } from '@micropay/platform';

export const emailAndPushMigration: Migration = {
  name: '0003_email_and_push',
  async up(knex) {
    // A person's phones and browsers: one row per platform token (a token moves with its device's user).
    await knex.schema.createTable('devices', (t) => {
      t.text('id').primary();
      t.text('user_id').notNullable();
      t.text('platform').notNullable();
      t.text('token').notNullable();
      // The SNS platform endpoint; null locally, where pushes are only recorded.
      t.text('endpoint_arn');
      t.text('status').notNullable().defaultTo('enabled');
      t.text('disabled_reason');
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.unique(['platform', 'token']);
      t.index(['user_id', 'id']);
    });
    await knex.raw(
      "alter table devices add constraint devices_platform_check check (platform in ('apns', 'fcm')), add constraint devices_status_check check (status in ('enabled', 'disabled'))",
    );
    // Addresses SES reported as hard-bounced or complaining: never mailed again.
    await knex.schema.createTable('email_suppressions', (t) => {
      t.text('email').primary(); // lowercased
      t.text('reason').notNullable();
      t.text('detail');
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    await knex.raw(
      "alter table email_suppressions add constraint email_suppressions_reason_check check (reason in ('bounce', 'complaint'))",
    );
    // The durable queue of email and push sends (ADR 0007's shape): one row per event and
    // recipient (the user for email, each device for push), queued with the event's inbox row.
    await knex.schema.createTable('channel_deliveries', (t) => {
      t.text('id').primary();
      t.text('channel').notNullable();
      t.text('user_id').notNullable();
      t.text('device_id').references('id').inTable('devices').onDelete('cascade');
      t.text('event_id').notNullable();
      t.text('event_type').notNullable();
      // What to send, rendered when the event was consumed: the same on every attempt.
      t.jsonb('message').notNullable();
      t.text('status').notNullable().defaultTo('pending');
      t.integer('attempts').notNullable().defaultTo(0);
      t.timestamp('next_attempt_at', { useTz: true }).defaultTo(knex.fn.now());
      t.timestamp('locked_until', { useTz: true });
      t.text('last_error');
      // SES's MessageId or SNS's, once sent.
      t.text('provider_message_id');
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.timestamp('completed_at', { useTz: true });
      t.index(['user_id', 'id']);
    });
    await knex.raw(
      "alter table channel_deliveries add constraint channel_deliveries_channel_check check (channel in ('email', 'push')), add constraint channel_deliveries_status_check check (status in ('pending', 'sent', 'failed', 'suppressed'))",
    );
    // At most one email per event, and one push per event and device, even if the inbox were bypassed.
    await knex.raw(
      "create unique index channel_deliveries_once_idx on channel_deliveries (event_id, channel, coalesce(device_id, ''))",
    );
    await knex.raw(
      "create index channel_deliveries_due_idx on channel_deliveries (next_attempt_at) where status = 'pending'",
    );
  },
  async down(knex) {
    await knex.schema.dropTable('channel_deliveries');
    await knex.schema.dropTable('email_suppressions');
    await knex.schema.dropTable('devices');
  },
};
