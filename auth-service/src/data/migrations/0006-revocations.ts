import type { Migration } from '@micropay/platform';

/**
 * The revocation list every service polls (ADR 0009): ended sessions, and users signed out
 * everywhere, each kept until the longest access token it could refuse has expired.
 */
export const revocationsMigration: Migration = {
  name: '0006_revocations',
  async up(knex) {
    await knex.schema.createTable('revocations', (t) => {
      // session: a session id (`origin_jti`); user: a user (`sub`), for tokens issued before issued_before.
      t.text('type').notNullable();
      t.text('subject').notNullable();
      t.bigInteger('issued_before');
      // clock_timestamp, not the transaction's start: the feed's cursor is read against it.
      t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.raw('clock_timestamp()'));
      t.timestamp('expires_at', { useTz: true }).notNullable();
      t.primary(['type', 'subject']);
    });
    await knex.raw(`alter table revocations add constraint revocations_type check (type in ('session', 'user'))`);
    await knex.raw(
      `alter table revocations add constraint revocations_user_cutoff check ((type = 'user') = (issued_before is not null))`,
    );
    await knex.raw('create index revocations_created_at on revocations (created_at)');
    await knex.raw('create index revocations_expires_at on revocations (expires_at)');
  },
  async down(knex) {
    await knex.schema.dropTable('revocations');
  },
};
