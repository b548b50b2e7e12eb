import type { Migration } from '@micropay/platform';

export const signingKeysMigration: Migration = {
  name: '0002_signing_keys',
  async up(knex) {
    await knex.schema.createTable('signing_keys', (t) => {
      t.text('kid').primary();
      t.jsonb('private_jwk').notNullable();
      t.jsonb('public_jwk').notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      // Set when a newer key takes over; the public key stays in the JWKS until tokens it signed expire.
      t.timestamp('retired_at', { useTz: true });
    });
    // At most one active key, even when several replicas start at once.
    await knex.raw('create unique index signing_keys_one_active on signing_keys ((true)) where retired_at is null');
  },
  async down(knex) {
    await knex.schema.dropTable('signing_keys');
  },
};
