import { expect } from 'chai';
import express from 'express';
import {
  AppError,
  commonErrors,
  Metrics,
  PeerClient,
  runWithContext,
  StaticDiscovery,
  peerUrlVariable,
} from '../../../src';
import { listen, testLogger, type Listening } from '../../../src/testing';

describe('PeerClient', () => {
  let server: Listening;
  let mode: 'ok' | 'fail' | 'hang' | 'not_found' = 'ok';
  let hits: { path: string; requestId?: string; idempotencyKey?: string; authorization?: string }[] = [];

  before(async () => {
    const app = express();
    app.use(express.json());
    app.all('/{*rest}', async (req, res) => {
      hits.push({
        path: req.path,
        requestId: req.get('x-request-id'),
        idempotencyKey: req.get('idempotency-key'),
        authorization: req.get('authorization'),
      });
      if (mode === 'hang') await new Promise((r) => setTimeout(r, 500));
      if (req.get('authorization') === 'Bearer stale') {
        res.status(401).json({ error: { code: 'invalid_token' } });
        return;
      }
      if (mode === 'fail') {
        res.status(502).json({ error: 'bad gateway' });
        return;
      }
      if (mode === 'not_found') {
        res.status(404).json({ error: { code: 'account_not_found' } });
        return;
      }
      res.json({ ok: true, echo: req.body });
    });
    server = await listen(app);
  });
  after(() => server.close());
  beforeEach(() => {
    mode = 'ok';
    hits = [];
  });

  function client(
    metrics = new Metrics('test', { defaultMetrics: false }),
    overrides: Partial<ConstructorParameters<typeof PeerClient>[0]> = {},
  ) {
    return new PeerClient({
      target: 'transaction-service',
      discovery: new StaticDiscovery({ 'transaction-service': server.url }),
      metrics,
      logger: testLogger(),
      timeoutMs: 200,
      retries: 2,
      retryBaseDelayMs: 1,
      tokens: { getToken: async () => 'svc-token', invalidate: () => undefined },
      ...overrides,
    });
  }

  it('forwards the request id, idempotency key and client token, and parses JSON', async () => {
    const peer = client();
    const res = await runWithContext({ requestId: 'req_propagate' }, () =>
      peer.request({ method: 'POST', path: '/v1/transfers', body: { amount: 1 }, idempotencyKey: 'idem-1' }),
    );
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ ok: true, echo: { amount: 1 } });
    expect(hits[0]).to.deep.equal({
      path: '/v1/transfers',
      requestId: 'req_propagate',
      idempotencyKey: 'idem-1',
      authorization: 'Bearer svc-token',
    });
    peer.shutdown();
  });

  it('returns 4xx answers to the caller without retrying', async () => {
    mode = 'not_found';
    const peer = client();
    const res = await peer.request({ method: 'GET', path: '/v1/accounts/acct_x' });
    expect(res.status).to.equal(404);
    expect(hits).to.have.length(1);
    peer.shutdown();
  });

  it('retries idempotent calls on 5xx, then fails with 503 upstream_unavailable', async () => {
    mode = 'fail';
    const peer = client();
    try {
      await peer.request({ method: 'GET', path: '/v1/accounts/acct_x' });
      expect.fail('expected an error');
    } catch (error) {
      expect(error).to.be.instanceOf(AppError);
      expect((error as AppError).code).to.equal('upstream_unavailable');
    }
    expect(hits).to.have.length(3);
    peer.shutdown();
  });

  it('does not retry a POST without an idempotency key', async () => {
    mode = 'fail';
    const peer = client();
    await peer.request({ method: 'POST', path: '/v1/things', body: {} }).catch(() => undefined);
    expect(hits).to.have.length(1);
    peer.shutdown();
  });

  it('times out a hanging peer', async () => {
    mode = 'hang';
    const metrics = new Metrics('test', { defaultMetrics: false });
    const peer = client(metrics, { retries: 0 });
    const started = Date.now();
    await peer.request({ method: 'GET', path: '/slow' }).catch(() => undefined);
    expect(Date.now() - started).to.be.lessThan(450);
    expect(await metrics.registry.metrics()).to.match(/circuit_breaker_events_total\{[^}]*event="timeout"[^}]*\} 1/);
    peer.shutdown();
  });

  it('opens the breaker after repeated failures, rejects fast, exports the state, and closes again', async () => {
    mode = 'fail';
    const metrics = new Metrics('test', { defaultMetrics: false });
    const peer = client(metrics, {
      retries: 0,
      breaker: { volumeThreshold: 3, resetTimeoutMs: 150, errorThresholdPercentage: 50 },
    });
    for (let i = 0; i < 4; i++) await peer.request({ method: 'GET', path: '/x' }).catch(() => undefined);
    expect(peer.breakerState).to.equal('open');
    const hitsWhenOpen = hits.length;
    const error = await peer.request({ method: 'GET', path: '/x' }).catch((e: AppError) => e);
    expect((error as AppError).code).to.equal('upstream_unavailable');
    expect((error as AppError).message).to.contain('circuit open');
    expect(hits.length).to.equal(hitsWhenOpen);
    let text = await metrics.registry.metrics();
    expect(text).to.match(/circuit_breaker_state\{[^}]*target="transaction-service"[^}]*\} 1/);
    expect(text).to.match(/event="reject"/);

    mode = 'ok';
    await new Promise((r) => setTimeout(r, 200));
    const res = await peer.request({ method: 'GET', path: '/x' });
    expect(res.status).to.equal(200);
    expect(peer.breakerState).to.equal('closed');
    text = await metrics.registry.metrics();
    expect(text).to.match(/circuit_breaker_state\{[^}]*\} 0/);
    peer.shutdown();
  });

  it('does not hold a token endpoint outage against the peer: 503, breaker closed, peer not called', async () => {
    const noToken = {
      getToken: () => Promise.reject(commonErrors.upstream_unavailable.create('The token endpoint is unreachable.')),
      invalidate: () => undefined,
    };
    const metrics = new Metrics('test', { defaultMetrics: false });
    const peer = client(metrics, { tokens: noToken, retries: 0, breaker: { volumeThreshold: 2 } });
    for (let i = 0; i < 5; i++) {
      const error = await peer.request({ method: 'GET', path: '/x' }).catch((e: AppError) => e);
      expect((error as AppError).code).to.equal('upstream_unavailable');
    }
    expect(peer.breakerState).to.equal('closed');
    expect(hits).to.deep.equal([]);
    // Not a failure of the peer, and not a success either: the breaker never saw the call.
    expect(await metrics.registry.metrics()).not.to.match(
      /circuit_breaker_events_total\{[^}]*event="(success|failure)"/,
    );
    peer.shutdown();
  });

  it('after a 401, fetches a fresh client token once and retries with it', async () => {
    let token = 'stale';
    const tokens = { getToken: async () => token, invalidate: () => void (token = 'fresh') };
    const peer = client(new Metrics('test', { defaultMetrics: false }), { tokens });
    const res = await peer.request({ method: 'POST', path: '/v1/transfers', body: {} });
    expect(res.status).to.equal(200);
    expect(hits.map((h) => h.authorization)).to.deep.equal(['Bearer stale', 'Bearer fresh']);
    peer.shutdown();
  });

  it('names the variable to set when a peer URL is missing', async () => {
    expect(peerUrlVariable('transaction-service')).to.equal('TRANSACTION_SERVICE_URL');
    expect(peerUrlVariable('notification-service')).to.equal('NOTIFICATION_SERVICE_URL');
    await new StaticDiscovery({}).resolve('payment-service').then(
      () => expect.fail('expected an error'),
      (error: Error) => expect(error.message).to.contain('PAYMENT_SERVICE_URL'),
    );
  });
});
