import { expect } from 'chai';
import { newEvent } from '@micropay/platform';
import { testLogger } from '@micropay/platform/testing';
import { EventConsumer } from '../../../src/domain/event-consumer';
import type { DeliveryObserver, EventRecord, NotificationStore, RecordedEvent } from '../../../src/domain/ports';

/** Records what the consumer reports, so a test can read it back. */
function recordingObserver() {
  const seen: string[] = [];
  const observer: DeliveryObserver = {
    deliveries: (channel, outcome, count) => seen.push(`${channel} ${outcome} ${count}`),
    eventFailed: (type, reason) => seen.push(`failed ${type} ${reason}`),
  };
  return { seen, observer };
}

/** A store that records each event with `recordOne` (so a test can make one fail); `batches` counts calls. */
const store = (
  recordOne: (record: EventRecord) => Promise<RecordedEvent>,
  batches: number[] = [],
): NotificationStore => ({
  async recordEvents(records) {
    batches.push(records.length);
    const results: RecordedEvent[] = [];
    for (const record of records) results.push(await recordOne(record));
    return results;
  },
  listForUser: async () => ({ data: [], hasMore: false }),
});

const succeeded = (amount = 1050) =>
  newEvent('payment-service', 'payment.succeeded', { id: 'pay_1', customer: 'usr_1', amount, currency: 'usd' });

describe('EventConsumer delivery reports', () => {
  it('reports the notifications of a new event as delivered, and of a redelivered one as duplicate', async () => {
    const { seen, observer } = recordingObserver();
    let first = true;
    const consumer = new EventConsumer(
      store(async () => {
        const fresh = first;
        first = false;
        return { fresh, webhooks: 0, channelDeliveries: 0 };
      }),
      testLogger(),
      observer,
    );
    const event = succeeded();
    await consumer.consume(event);
    await consumer.consume(event);
    expect(seen).to.deep.equal(['in_app delivered 1', 'in_app duplicate 1']);
  });

  it('when storing fails, reports the notifications as failed and rethrows so the producer retries', async () => {
    const { seen, observer } = recordingObserver();
    const consumer = new EventConsumer(
      store(async () => {
        throw new Error('connection reset');
      }),
      testLogger(),
      observer,
    );
    let thrown: unknown;
    await consumer.consume(succeeded()).catch((error: unknown) => {
      thrown = error;
    });
    expect(thrown).to.be.instanceOf(Error);
    expect(seen).to.deep.equal(['failed payment.succeeded store_error', 'in_app failed 1']);
  });

  it('reports an event whose data breaks the rules as invalid_data, storing nothing', async () => {
    const { seen, observer } = recordingObserver();
    let stored = 0;
    const consumer = new EventConsumer(
      store(async () => {
        stored += 1;
        return { fresh: true, webhooks: 0, channelDeliveries: 0 };
      }),
      testLogger(),
      observer,
    );
    const bad = newEvent('payment-service', 'payment.succeeded', { id: 'pay_1', amount: 'ten' });
    let thrown: unknown;
    await consumer.consume(bad).catch((error: unknown) => {
      thrown = error;
    });
    expect(thrown).to.exist;
    expect(stored).to.equal(0);
    expect(seen).to.deep.equal(['failed payment.succeeded invalid_data']);
  });

  it('reports nothing for an event that notifies nobody', async () => {
    const { seen, observer } = recordingObserver();
    const consumer = new EventConsumer(
      store(async () => ({ fresh: true, webhooks: 0, channelDeliveries: 0 })),
      testLogger(),
      observer,
    );
    await consumer.consume(newEvent('transaction-service', 'ledger.transfer_posted', { id: 'tr_1' }));
    expect(seen).to.deep.equal([]);
  });
});

describe('EventConsumer batches', () => {
  const fresh = async () => ({ fresh: true, webhooks: 0, channelDeliveries: 0 });

  it('records a batch with one call to the store, and answers for each event in order', async () => {
    const batches: number[] = [];
    const consumer = new EventConsumer(store(fresh, batches), testLogger());
    const events = [succeeded(100), succeeded(200), succeeded(300)];
    const outcomes = await consumer.consumeBatch(events);
    expect(batches).to.deep.equal([3]);
    expect(outcomes).to.deep.equal(events.map(() => ({ fresh: true, notifications: 1 })));
  });

  it('fails an event whose data breaks the rules on its own, and records the others together', async () => {
    const batches: number[] = [];
    const { seen, observer } = recordingObserver();
    const consumer = new EventConsumer(store(fresh, batches), testLogger(), observer);
    const bad = newEvent('payment-service', 'payment.succeeded', { id: 'pay_1', amount: 'ten' });
    const outcomes = await consumer.consumeBatch([succeeded(), bad, succeeded()]);
    expect(batches).to.deep.equal([2]);
    expect(outcomes.map((o) => ('error' in o ? 'failed' : 'ok'))).to.deep.equal(['ok', 'failed', 'ok']);
    expect(seen).to.include('failed payment.succeeded invalid_data');
  });

  it('consumes a repeated event after the batch, where the inbox makes it a duplicate', async () => {
    const recorded = new Set<string>();
    const batches: number[] = [];
    const consumer = new EventConsumer(
      store(async ({ event }) => {
        const isNew = !recorded.has(event.id);
        recorded.add(event.id);
        return { fresh: isNew, webhooks: 0, channelDeliveries: 0 };
      }, batches),
      testLogger(),
    );
    const event = succeeded();
    const outcomes = await consumer.consumeBatch([event, event]);
    expect(batches).to.deep.equal([1, 1]);
    expect(outcomes).to.deep.equal([
      { fresh: true, notifications: 1 },
      { fresh: false, notifications: 0 },
    ]);
  });

  it('when the batch cannot be stored, consumes each event on its own so one failure fails only that event', async () => {
    const batches: number[] = [];
    const { seen, observer } = recordingObserver();
    const poison = succeeded(666);
    const consumer = new EventConsumer(
      store(async ({ event }) => {
        if (event.id === poison.id) throw new Error('value too long');
        return { fresh: true, webhooks: 0, channelDeliveries: 0 };
      }, batches),
      testLogger(),
      observer,
    );
    const outcomes = await consumer.consumeBatch([succeeded(1), poison, succeeded(2)]);
    expect(batches).to.deep.equal([3, 1, 1, 1]);
    expect(outcomes.map((o) => ('error' in o ? o.error.message : o.fresh))).to.deep.equal([
      true,
      'value too long',
      true,
    ]);
    expect(seen).to.deep.equal([
      'in_app delivered 1',
      'failed payment.succeeded store_error',
      'in_app failed 1',
      'in_app delivered 1',
    ]);
  });
});
