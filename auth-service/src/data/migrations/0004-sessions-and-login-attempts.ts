import type { Migration } from '@micropay/platform';

export const sessionsAndLoginAttemptsMigration: Migration = {
  name: '0004_sessions_and_login_attempts',
  async up(knex) {
    // One row per login: the refresh-token family. Its lifetime is fixed at login, so rotating
    // refresh tokens never extends a session; revoking it ends every token of the family.
    await knex.schema.createTable('sessions', (t) => {
      t.text('id').primary();
      t.text('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
      t.text('client_id').notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.timestamp('expires_at', { useTz: true }).notNullable();
      t.timestamp('revoked_at', { useTz: true });
      // logout | refresh_token_reuse
      t.text('revoked_reason');
      t.index(['user_id']);
    });
    // Families issued before sessions existed become sessions, so their refresh tokens keep working.
    await knex.raw(`
      insert into sessions (id, user_id, client_id, created_at, expires_at, revoked_at)
      select family_id, min(user_id), min(client_id), min(created_at), max(expires_at), max(revoked_at)
      from refresh_tokens group by family_id`);
    await knex.schema.alterTable('refresh_tokens', (t) => {
      t.foreign('family_id').references('id').inTable('sessions').onDelete('CASCADE');
    });

    // Failed logins per normalised email (hashed: the table does not list who tried), whether or
    // not the account exists, so a lockout reveals nothing about which emails are registered.
    await knex.schema.createTable('login_attempts', (t) => {
      t.text('key').primary();
      t.integer('failures').notNullable();
      t.timestamp('last_failure_at', { useTz: true }).notNullable();
      t.timestamp('locked_until', { useTz: true });
    });
  },
  async down(knex) {
    await knex.schema.dropTable('login_attempts');
    await knex.schema.alterTable('refresh_tokens', (t) => t.dropForeign(['family_id']));
    await knex.schema.dropTable('sessions');
  },
};
