import type { Migration } from '@micropay/platform';

export const refreshTokensMigration: Migration = {
  name: '0003_refresh_tokens',
  async up(knex) {
    await knex.schema.createTable('refresh_tokens', (t) => {
      t.text('id').primary();
      // SHA-256 of the opaque token: a database leak does not leak usable tokens.
      t.text('token_hash').notNullable().unique();
      t.text('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
      // All tokens of one login session share a family; rotation and revocation act on it.
      t.text('family_id').notNullable();
      t.text('client_id').notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.timestamp('expires_at', { useTz: true }).notNullable();
      t.timestamp('used_at', { useTz: true });
      t.timestamp('revoked_at', { useTz: true });
      t.index(['family_id']);
      t.index(['user_id']);
    });
  },
  async down(knex) {
    await knex.schema.dropTable('refresh_tokens');
  },
};
