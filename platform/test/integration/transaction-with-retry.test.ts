import { expect } from 'chai';
import type { Counter } from 'prom-client';
import { Metrics, transactionWithRetry, type Database, type Migration } from '../../src';
import { openTestDatabase, usingServerDatabase } from '../../src/testing';

const migrations: Migration[] = [
  {
    name: '0001_rows',
    async up(knex) {
      await knex.schema.createTable('rows', (t) => {
        t.text('id').primary();
        t.integer('n').notNullable().defaultTo(0);
      });
    },
  },
];

/** Makes PostgreSQL itself abort the statement with the given SQLSTATE. */
const raise = (trx: { raw(sql: string): Promise<unknown> }, sqlstate: string) =>
  trx.raw(`do $$ begin raise exception 'injected' using errcode = '${sqlstate}'; end $$`);

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );

describe('transactionWithRetry', () => {
  let db: Database;
  let counter: Counter<'sqlstate'>;
  const retries = () => counter.get();
  before(async function () {
    this.timeout(60_000);
    db = await openTestDatabase('platform_retry', migrations);
  });
  beforeEach(() => {
    counter = new Metrics('test', { defaultMetrics: false }).counter('tx_retries_total', 'Retries.', ['sqlstate']);
  });
  after(() => db?.close());

  const options = () => ({ retries: counter, startingDelayMs: 1 });

  it('runs the work again after a serialization failure, and the failed attempt leaves nothing behind', async () => {
    let attempts = 0;
    const result = await transactionWithRetry(
      db.knex,
      async (trx) => {
        attempts += 1;
        await trx('rows').insert({ id: 'serialization' });
        if (attempts === 1) await raise(trx, '40001');
        return 'done';
      },
      options(),
    );
    expect(result).to.equal('done');
    expect(attempts).to.equal(2);
    expect(await db.knex('rows').where({ id: 'serialization' })).to.have.length(1);
    expect((await retries()).values).to.deep.include({ labels: { sqlstate: '40001' }, value: 1 });
  });

  it('does not retry other errors', async () => {
    let attempts = 0;
    const failing = transactionWithRetry(
      db.knex,
      async (trx) => {
        attempts += 1;
        await raise(trx, '23505');
      },
      options(),
    );
    expect(await rejection(failing)).to.have.property('code', '23505');
    expect(attempts).to.equal(1);
    expect((await retries()).values).to.deep.equal([]);
  });

  it('gives up after maxAttempts and rethrows the database error', async () => {
    let attempts = 0;
    const failing = transactionWithRetry(
      db.knex,
      async (trx) => {
        attempts += 1;
        await raise(trx, '40P01');
      },
      { ...options(), maxAttempts: 3 },
    );
    expect(await rejection(failing)).to.have.property('code', '40P01');
    expect(attempts).to.equal(3);
    expect((await retries()).values).to.deep.include({ labels: { sqlstate: '40P01' }, value: 2 });
  });

  it('turns a real deadlock between two transactions into two successes', async function () {
    // PGlite serves one connection at a time, so only a server can deadlock.
    if (!usingServerDatabase()) this.skip();
    await db.knex('rows').insert([{ id: 'a' }, { id: 'b' }]);
    let bothLockedFirst!: () => void;
    const barrier = new Promise<void>((resolve) => {
      let arrived = 0;
      bothLockedFirst = () => {
        arrived += 1;
        if (arrived === 2) resolve();
      };
    });
    // Each locks one row, waits until the other holds the other row, then wants it: a deadlock
    // that PostgreSQL breaks by aborting one of them with 40P01.
    const crossing = (first: string, second: string) => {
      let attempt = 0;
      return transactionWithRetry(
        db.knex,
        async (trx) => {
          attempt += 1;
          await trx('rows').where({ id: first }).increment('n', 1);
          if (attempt === 1) {
            bothLockedFirst();
            await barrier;
          }
          await trx('rows').where({ id: second }).increment('n', 1);
        },
        options(),
      );
    };
    await Promise.all([crossing('a', 'b'), crossing('b', 'a')]);
    const rows = await db.knex('rows').whereIn('id', ['a', 'b']).orderBy('id');
    expect(rows.map((r) => r.n)).to.deep.equal([2, 2]);
    expect((await retries()).values).to.deep.include({ labels: { sqlstate: '40P01' }, value: 1 });
  });
});
