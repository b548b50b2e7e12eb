import type { Migration } from '@micropay/platform';

export const notificationsMigration: Migration = {
  name: '0001_notifications',
  async up(knex) {
    await knex.schema.createTable('notifications', (t) => {
      t.text('id').primary();
      t.text('user_id').notNullable();
      t.text('event_id').notNullable();
      t.text('type').notNullable(); // the event type that caused it
      t.text('channel').notNullable();
      t.text('title').notNullable();
      t.text('body').notNullable();
      t.jsonb('data').notNullable().defaultTo('{}');
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.timestamp('read_at', { useTz: true });
      // One notification per event and channel, even if the inbox were bypassed.
      t.unique(['event_id', 'channel']);
      t.index(['user_id', 'id']);
    });
  },
  async down(knex) {
    await knex.schema.dropTable('notifications');
  },
};
