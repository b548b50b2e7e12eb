import { expect } from 'chai';
import express from 'express';
import {
  EVENT_BATCH_SIZE,
  HttpPushPublisher,
  Metrics,
  newEvent,
  PeerClient,
  StaticDiscovery,
  type EventEnvelope,
} from '../../../src';
import { listen, testLogger, type Listening } from '../../../src/testing';

/** A subscriber that takes batches (or not), and fails the events whose data says so. */
async function subscriber(options: { batches: boolean }) {
  const requests: Array<{ path: string; ids: string[] }> = [];
  const received: string[] = [];
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  const take = (event: EventEnvelope) => {
    if (event.data.fail) return 'failed' as const;
    if (received.includes(event.id)) return 'duplicate' as const;
    received.push(event.id);
    return 'accepted' as const;
  };
  app.post('/internal/events', (req, res) => {
    requests.push({ path: req.path, ids: [req.body.id] });
    const status = take(req.body);
    if (status === 'failed') res.status(400).json({ error: { code: 'parameter_invalid' } });
    else res.status(202).json({ received: true, duplicate: status === 'duplicate' });
  });
  app.post('/internal/event-batches', (req, res) => {
    const events: EventEnvelope[] = req.body.events;
    requests.push({ path: req.path, ids: events.map((e) => e.id) });
    if (!options.batches) return void res.status(404).json({ error: { code: 'route_not_found' } });
    if (events.some((e) => e.data.malformed))
      return void res.status(400).json({ error: { code: 'parameter_invalid' } });
    res.json({ object: 'list', data: events.map((e) => ({ id: e.id, status: take(e) })) });
  });
  return { server: await listen(app), requests, received };
}

describe('HttpPushPublisher', () => {
  const servers: Listening[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));

  const publisherFor = (...urls: string[]) =>
    new HttpPushPublisher(
      urls.map(
        (url, i) =>
          new PeerClient({
            target: `subscriber-${i}`,
            discovery: new StaticDiscovery({ [`subscriber-${i}`]: url }),
            metrics: new Metrics('test', { defaultMetrics: false }),
            logger: testLogger(),
            timeoutMs: 2000,
            retries: 0,
          }),
      ),
    );
  const events = (n: number, data: (i: number) => Record<string, unknown> = () => ({})) =>
    Array.from({ length: n }, (_, i) => newEvent('payment-service', 'payment.succeeded', { n: i, ...data(i) }));

  it('sends events in order, a batch of at most EVENT_BATCH_SIZE per request, to every subscriber', async () => {
    const a = await subscriber({ batches: true });
    const b = await subscriber({ batches: true });
    servers.push(a.server, b.server);
    const sent = events(EVENT_BATCH_SIZE + 5);
    const outcomes = await publisherFor(a.server.url, b.server.url).publishBatch(sent);
    expect(outcomes.every((o) => o === undefined)).to.equal(true);
    for (const s of [a, b]) {
      expect(s.received).to.deep.equal(sent.map((e) => e.id));
      expect(s.requests.map((r) => [r.path, r.ids.length])).to.deep.equal([
        ['/internal/event-batches', EVENT_BATCH_SIZE],
        ['/internal/event-batches', 5],
      ]);
    }
  });

  it('reports each failed event on its own; the others count as published', async () => {
    const a = await subscriber({ batches: true });
    servers.push(a.server);
    const sent = events(4, (i) => (i === 1 ? { fail: true } : {}));
    const outcomes = await publisherFor(a.server.url).publishBatch(sent);
    expect(outcomes.map((o) => o instanceof Error)).to.deep.equal([false, true, false, false]);
    expect(a.received).to.deep.equal([sent[0]!.id, sent[2]!.id, sent[3]!.id]);
  });

  it('falls back to one event per request when a subscriber refuses the batch (400) or has no batch route (404)', async () => {
    const malformed = await subscriber({ batches: true });
    const old = await subscriber({ batches: false });
    servers.push(malformed.server, old.server);
    const sent = events(3, (i) => (i === 2 ? { malformed: true } : {}));
    const outcomes = await publisherFor(malformed.server.url, old.server.url).publishBatch(sent);
    expect(outcomes.every((o) => o === undefined)).to.equal(true);
    for (const s of [malformed, old]) {
      expect(s.received).to.deep.equal(sent.map((e) => e.id));
      expect(s.requests.map((r) => r.path)).to.deep.equal([
        '/internal/event-batches',
        '/internal/events',
        '/internal/events',
        '/internal/events',
      ]);
    }
  });

  it('fails the whole batch when a subscriber cannot be reached', async () => {
    const gone = await subscriber({ batches: true });
    await gone.server.close();
    const outcomes = await publisherFor(gone.server.url).publishBatch(events(2));
    expect(outcomes.map((o) => o instanceof Error)).to.deep.equal([true, true]);
  });
});
