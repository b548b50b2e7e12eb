import { expect } from 'chai';
import {
  claimInbox,
  consumeOnce,
  enqueueEvent,
  enqueueEvents,
  EventEnvelopeSchema,
  Metrics,
  OutboxRelay,
  platformMigrations,
  type Database,
  type EventEnvelope,
} from '../../src';
import { openTestDatabase, testLogger } from '../../src/testing';

describe('transactional outbox and inbox', () => {
  let db: Database;
  const published: EventEnvelope[] = [];
  let failNext = 0;

  before(async function () {
    this.timeout(60_000);
    db = await openTestDatabase('platform_events', platformMigrations({ outbox: true, inbox: true }));
  });
  after(() => db?.close());
  beforeEach(async () => {
    published.length = 0;
    failNext = 0;
    await db.knex('outbox').delete();
  });

  function relay() {
    return new OutboxRelay({
      knex: db.knex,
      logger: testLogger(),
      metrics: new Metrics('test', { defaultMetrics: false }),
      publisher: {
        async publish(event) {
          if (failNext > 0) {
            failNext -= 1;
            throw new Error('subscriber down');
          }
          published.push(event);
        },
      },
    });
  }

  it('writes a well-formed envelope only when the transaction commits', async () => {
    await db.knex.transaction(async (trx) => {
      await enqueueEvent(trx, 'payment-service', 'payment.succeeded', { id: 'pay_1' });
    });
    await db.knex
      .transaction(async (trx) => {
        await enqueueEvent(trx, 'payment-service', 'payment.succeeded', { id: 'pay_rolled_back' });
        throw new Error('rollback');
      })
      .catch(() => undefined);
    await relay().relayBatch();
    expect(published.map((e) => e.data.id)).to.deep.equal(['pay_1']);
    expect(EventEnvelopeSchema.safeParse(published[0]).success).to.equal(true);
  });

  it('publishes each event once when it succeeds', async () => {
    await db.knex.transaction((trx) => enqueueEvent(trx, 's', 'a.created', { n: 1 }));
    const r = relay();
    await r.relayBatch();
    await r.relayBatch();
    expect(published).to.have.length(1);
  });

  it('keeps a failed event and retries it after a backoff', async () => {
    await db.knex.transaction((trx) => enqueueEvent(trx, 's', 'a.created', { n: 2 }));
    failNext = 1;
    const r = relay();
    await r.relayBatch();
    expect(published).to.have.length(0);
    const row = await db.knex('outbox').first();
    expect(row.attempts).to.equal(1);
    expect(row.last_error).to.contain('subscriber down');
    expect(row.published_at).to.equal(null);
    await db.knex('outbox').update({ available_at: db.knex.fn.now() });
    await r.relayBatch();
    expect(published).to.have.length(1);
  });

  it('publishes in order of creation across batches', async () => {
    for (let i = 0; i < 5; i++) await db.knex.transaction((trx) => enqueueEvent(trx, 's', 'a.created', { n: i }));
    const r = new OutboxRelay({
      knex: db.knex,
      logger: testLogger(),
      metrics: new Metrics('test', { defaultMetrics: false }),
      batchSize: 2,
      publisher: { publish: async (e) => void published.push(e) },
    });
    expect(await r.relayBatch()).to.equal(true);
    while (await r.relayBatch());
    expect(published.map((e) => e.data.n)).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('hands a batch publisher the whole batch in order, and retries only the events it failed', async () => {
    await db.knex.transaction((trx) =>
      enqueueEvents(
        trx,
        's',
        [0, 1, 2].map((n) => ({ type: 'a.created', data: { n } })),
      ),
    );
    const batches: number[][] = [];
    const r = new OutboxRelay({
      knex: db.knex,
      logger: testLogger(),
      metrics: new Metrics('test', { defaultMetrics: false }),
      publisher: {
        publish: async () => expect.fail('publish is not called when publishBatch exists'),
        async publishBatch(events) {
          batches.push(events.map((e) => e.data.n as number));
          return events.map((e) =>
            e.data.n === 1 && batches.length === 1 ? new Error('subscriber failed it') : undefined,
          );
        },
      },
    });
    await r.relayBatch();
    expect(batches).to.deep.equal([[0, 1, 2]]);
    const pending = await db.knex('outbox').whereNull('published_at');
    expect(pending.map((row) => row.payload.data.n)).to.deep.equal([1]);
    expect(pending[0].last_error).to.equal('subscriber failed it');
    await db.knex('outbox').update({ available_at: db.knex.fn.now() });
    await r.relayBatch();
    expect(batches).to.deep.equal([[0, 1, 2], [1]]);
    expect(await db.knex('outbox').whereNull('published_at')).to.have.length(0);
  });

  it('runs a consumer once per event id, even when the event is delivered twice', async () => {
    const event: EventEnvelope = {
      id: 'evt_dup1',
      type: 'a.created',
      source: 's',
      time: new Date().toISOString(),
      data: {},
    };
    let runs = 0;
    const first = await consumeOnce(db.knex, event, async () => void (runs += 1));
    const second = await consumeOnce(db.knex, event, async () => void (runs += 1));
    expect([first, second, runs]).to.deep.equal([true, false, 1]);
  });

  it('forgets the inbox entry when the consumer fails, so a redelivery is processed', async () => {
    const event: EventEnvelope = {
      id: 'evt_fail1',
      type: 'a.created',
      source: 's',
      time: new Date().toISOString(),
      data: {},
    };
    await consumeOnce(db.knex, event, async () => {
      throw new Error('handler failed');
    }).catch(() => undefined);
    expect(await consumeOnce(db.knex, event, async () => undefined)).to.equal(true);
  });

  it('claims several events with one insert, answering only the ids it is the first to record', async () => {
    const event = (id: string): EventEnvelope => ({
      id,
      type: 'a.created',
      source: 's',
      time: new Date().toISOString(),
      data: {},
    });
    await db.knex.transaction((trx) => claimInbox(trx, [event('evt_claimold')]));
    const claimed = await db.knex.transaction((trx) =>
      claimInbox(trx, [event('evt_claimnew1'), event('evt_claimold'), event('evt_claimnew2')]),
    );
    expect([...claimed].sort()).to.deep.equal(['evt_claimnew1', 'evt_claimnew2']);
    // A transaction that rolls back claims nothing: the events stay new for a redelivery.
    await db.knex
      .transaction(async (trx) => {
        await claimInbox(trx, [event('evt_claimrolled')]);
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    const again = await db.knex.transaction((trx) =>
      claimInbox(trx, [event('evt_claimrolled'), event('evt_claimnew1')]),
    );
    expect([...again]).to.deep.equal(['evt_claimrolled']);
    expect(await db.knex.transaction((trx) => claimInbox(trx, []))).to.have.property('size', 0);
  });
});
