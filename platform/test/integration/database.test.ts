import { expect } from 'chai';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import { migrate, openDatabase, type Database, type Migration } from '../../src';
import { openTestDatabase, usingServerDatabase } from '../../src/testing';

const migrations: Migration[] = [
  {
    name: '0001_money',
    async up(knex) {
      await knex.schema.createTable('money', (t) => {
        t.text('id').primary();
        t.bigInteger('amount').notNullable();
      });
    },
  },
];

describe('openDatabase', () => {
  let db: Database;
  before(async function () {
    this.timeout(60_000);
    db = await openTestDatabase('platform_db', migrations);
  });
  after(() => db?.close());

  it('creates tables in the service schema and points the search_path at it', async () => {
    const row = await db.knex('information_schema.tables').where({ table_name: 'money' }).first('table_schema');
    expect(row.table_schema).to.equal('platform_db');
  });

  it('returns bigint money as exact numbers up to 2^53-1', async () => {
    await db.knex('money').insert({ id: 'max', amount: Number.MAX_SAFE_INTEGER });
    const row = await db.knex('money').where({ id: 'max' }).first();
    expect(row.amount).to.equal(Number.MAX_SAFE_INTEGER);
    const sum = await db.knex('money').sum<{ sum: number }[]>('amount as sum');
    expect(sum[0]!.sum).to.equal(Number.MAX_SAFE_INTEGER);
  });

  it('refuses to return an integer beyond 2^53-1 rather than rounding it', async () => {
    await db.knex('money').insert({ id: 'over', amount: '9007199254740993' });
    try {
      await db.knex('money').where({ id: 'over' }).first();
      expect.fail('expected a RangeError');
    } catch (error) {
      expect(String(error)).to.contain('exceeds 2^53-1');
    }
    await db.knex('money').where({ id: 'over' }).delete();
  });

  it('applies migrations once', async () => {
    expect(await migrate(db.knex, 'platform_db', migrations)).to.deep.equal([]);
  });

  it('refuses duplicate migration names', async () => {
    try {
      await migrate(db.knex, 'platform_db', [...migrations, ...migrations]);
      expect.fail('expected an error');
    } catch (error) {
      expect(String(error)).to.contain('Duplicate migration name');
    }
  });

  it('keeps embedded data on disk across restarts', async function () {
    if (usingServerDatabase()) this.skip();
    this.timeout(60_000);
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'micropay-db-'));
    try {
      const first = await openDatabase({ schema: 'persist', dataDir, migrations });
      expect(first.embedded).to.equal(true);
      await first.knex('money').insert({ id: 'kept', amount: 42 });
      await first.close();
      const second = await openDatabase({ schema: 'persist', dataDir, migrations });
      const row = await second.knex('money').where({ id: 'kept' }).first();
      await second.close();
      expect(row.amount).to.equal(42);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
