import type { Migration } from '@micropay/platform';

export const usersMigration: Migration = {
  name: '0001_users',
  async up(knex) {
    await knex.schema.createTable('users', (t) => {
      t.text('id').primary();
      // Stored normalised (trimmed, lowercase); uniqueness is on that form.
      t.text('email').notNullable().unique();
      t.text('password_hash').notNullable();
      t.text('name');
      t.specificType('groups', 'text[]').notNullable().defaultTo('{customer}');
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
  },
  async down(knex) {
    await knex.schema.dropTable('users');
  },
};
