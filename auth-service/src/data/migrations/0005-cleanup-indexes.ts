import type { Migration } from '@micropay/platform';

/** The cleanup job's work lists (src/jobs/cleanup-job.ts): ended sessions and forgotten failure counts, found by index. */
export const cleanupIndexesMigration: Migration = {
  name: '0005_cleanup_indexes',
  async up(knex) {
    await knex.raw('create index sessions_expires_at on sessions (expires_at)');
    await knex.raw('create index login_attempts_last_failure_at on login_attempts (last_failure_at)');
  },
  async down(knex) {
    await knex.raw('drop index login_attempts_last_failure_at');
    await knex.raw('drop index sessions_expires_at');
  },
};
