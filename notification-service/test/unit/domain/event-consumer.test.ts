import { expect } from 'chai';
import { newEvent } from '@micropay/platform';
import { testLogger } from '@micropay/platform/testing';
import { EventConsumer } from '../../../src/domain/event-consumer';
import type { DeliveryObserver, NotificationStore } from '../../../src/domain/ports';

/** Records what the consumer reports, so a test can read it back. */
function recordingObserver() {
  const seen: string[] = [];
  const observer: DeliveryObserver = {
    deliveries: (channel, outcome, count) => seen.push(`${channel} ${outcome} ${count}`),
    eventFailed: (type, reason) => seen.push(`failed ${type} ${reason}`),
  };
  return { seen, observer };
}

const store = (recordEvent: NotificationStore['recordEvent']): NotificationStore => ({
  recordEvent,
  listForUser: async () => ({ data: [], hasMore: false }),
});

const succeeded = () =>
  newEvent('payment-service', 'payment.succeeded', { id: 'pay_1', customer: 'usr_1', amount: 1050, currency: 'usd' });

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
