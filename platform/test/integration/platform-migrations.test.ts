import { expect } from 'chai';
import {
  idempotencyMigration,
  idempotencyReplayTextMigration,
  migrate,
  outboxMigration,
  platformMigrations,
  type Migration,
} from '../../src';
import { openTestDatabase } from '../../src/testing';

const own: Migration = {
  name: '0001_widgets',
  async up(knex) {
    await knex.schema.createTable('widgets', (t) => t.text('id').primary());
  },
};

describe('platformMigrations', () => {
  it('lists each feature once, every idempotency migration before the outbox', () => {
    expect(platformMigrations({ idempotency: true, outbox: true, inbox: true }).map((m) => m.name)).to.deep.equal([
      'platform_0001_idempotency_keys',
      'platform_0002_idempotency_response_as_written',
      'platform_0002_outbox',
      'platform_0003_inbox',
    ]);
    expect(platformMigrations({})).to.deep.equal([]);
  });

  it('accepts a database migrated when services ordered the platform migrations by hand', async () => {
    // payment-service used to list: idempotency, outbox, its own tables, then the replay-text change.
    const db = await openTestDatabase('platform_migration_order', [
      idempotencyMigration,
      outboxMigration,
      own,
      idempotencyReplayTextMigration,
    ]);
    try {
      const applied = await migrate(db.knex, db.schema, [
        ...platformMigrations({ idempotency: true, outbox: true }),
        own,
      ]);
      expect(applied).to.deep.equal([]);
      const type = await db.knex.raw(
        `select data_type from information_schema.columns
         where table_schema = ? and table_name = 'idempotency_keys' and column_name = 'response_body'`,
        [db.schema],
      );
      expect(type.rows[0].data_type).to.equal('json');
    } finally {
      await db.close();
    }
  });
});
