import { expect } from 'chai';
import { newEvent } from '@micropay/platform';
import { call } from '@micropay/platform/testing';
import { Webhook } from 'standardwebhooks';
import { startNotificationTestApp, type NotificationTestApp } from '../../support/notification-test-app';
import { WebhookReceiver } from '../../support/webhook-receiver';

describe('merchant webhook endpoints (Standard Webhooks v1)', () => {
  let app: NotificationTestApp;
  let receiver: WebhookReceiver;
  let publisher: string;

  before(async function () {
    this.timeout(60_000);
    // The receiver is on 127.0.0.1, so private URLs are allowed here, as npm start does.
    app = await startNotificationTestApp({
      env: { WEBHOOK_RETRY_SCHEDULE: '1,1,1', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' },
    });
    publisher = await app.issuer.clientToken('payment-service', ['events:publish']);
  });
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(() => receiver.close());
  after(() => app?.close());

  let users = 0;
  const newUser = async () => {
    const id = `usr_WHTEST${Date.now()}${(users += 1)}`;
    return { id, token: await app.issuer.userToken(id) };
  };
  const createEndpoint = async (token: string, body: Record<string, unknown> = {}) =>
    call(app.url, 'POST', '/v1/webhook-endpoints', {
      token,
      body: { url: receiver.url, enabled_events: ['payment.succeeded'], ...body },
    });
  const paymentEvent = (customer: string, type = 'payment.succeeded') =>
    newEvent('payment-service', type, {
      id: `pay_${Date.now()}${(users += 1)}`,
      object: 'payment',
      customer,
      amount: 1050,
      currency: 'usd',
      status: 'succeeded',
    });
  const publish = async (event: unknown) => {
    const res = await call(app.url, 'POST', '/internal/events', { token: publisher, body: event });
    expect(res.status).to.equal(202);
  };
  /** Runs the delivery job until the receiver has had `count` requests (retries wait for the 1 s schedule). */
  const deliverUntil = async (count: number) => {
    for (let i = 0; i < 100 && receiver.received.length < count; i += 1) {
      await app.deps.dispatcher.dispatchDue();
      if (receiver.received.length < count) await new Promise((r) => setTimeout(r, 100));
    }
    expect(receiver.received).to.have.length(count);
  };
  const deliveries = async (token: string, endpoint: string) =>
    (await call(app.url, 'GET', `/v1/webhook-endpoints/${endpoint}/deliveries`, { token })).body.data;

  it('creates an endpoint with a we_ id and a whsec_ secret shown only at creation', async () => {
    const user = await newUser();
    const created = await createEndpoint(user.token, { description: 'orders' });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({
      object: 'webhook_endpoint',
      url: receiver.url,
      status: 'enabled',
      description: 'orders',
    });
    expect(created.body.id).to.match(/^we_/);
    expect(created.body.secret).to.match(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    expect(created.body.enabled_events).to.deep.equal(['payment.succeeded']);

    const fetched = await call(app.url, 'GET', `/v1/webhook-endpoints/${created.body.id}`, { token: user.token });
    expect(fetched.status).to.equal(200);
    expect(fetched.body).to.not.have.property('secret');
    const list = await call(app.url, 'GET', '/v1/webhook-endpoints', { token: user.token });
    expect(list.body.data.map((e: { id: string }) => e.id)).to.deep.equal([created.body.id]);
  });

  for (const [name, body, param] of [
    ['a non-http URL', { url: 'ftp://example.com/hook' }, 'url'],
    ['an unknown event type', { enabled_events: ['payment.exploded'] }, 'enabled_events[0]'],
    ['no event types', { enabled_events: [] }, 'enabled_events'],
    ['an unknown field', { secret: 'whsec_mine' }, 'secret'],
  ] as const) {
    it(`refuses ${name} with 400 naming ${param}, creating nothing`, async () => {
      const user = await newUser();
      const res = await createEndpoint(user.token, body);
      expect(res.status).to.equal(400);
      expect(res.body.error.param).to.equal(param);
      const list = await call(app.url, 'GET', '/v1/webhook-endpoints', { token: user.token });
      expect(list.body.data).to.have.length(0);
    });
  }

  it("answers 404 for another user's endpoint, and lets the owner update and delete it", async () => {
    const owner = await newUser();
    const other = await newUser();
    const { id } = (await createEndpoint(owner.token)).body;
    expect((await call(app.url, 'GET', `/v1/webhook-endpoints/${id}`, { token: other.token })).status).to.equal(404);
    const stolen = await call(app.url, 'DELETE', `/v1/webhook-endpoints/${id}`, { token: other.token });
    expect(stolen.status).to.equal(404);
    expect(stolen.body.error.code).to.equal('webhook_endpoint_not_found');

    const patched = await call(app.url, 'PATCH', `/v1/webhook-endpoints/${id}`, {
      token: owner.token,
      body: { enabled_events: ['*'], status: 'disabled' },
    });
    expect(patched.body).to.include({ status: 'disabled' });
    expect(patched.body.enabled_events).to.deep.equal(['*']);
    expect((await call(app.url, 'DELETE', `/v1/webhook-endpoints/${id}`, { token: owner.token })).status).to.equal(204);
    expect((await call(app.url, 'GET', `/v1/webhook-endpoints/${id}`, { token: owner.token })).status).to.equal(404);
  });

  it("delivers an event about the owner's payment, signed so that the standardwebhooks package verifies it", async () => {
    const user = await newUser();
    const stranger = await newUser();
    const endpoint = (await createEndpoint(user.token)).body;
    const event = paymentEvent(user.id);
    await publish(paymentEvent(stranger.id)); // not this owner's: never sent to this endpoint
    await publish(paymentEvent(user.id, 'payment.failed')); // not an enabled type
    await publish(event);
    await deliverUntil(1);

    const [request] = receiver.received;
    expect(request!.headers['webhook-id']).to.equal(event.id);
    const verified = new Webhook(endpoint.secret).verify(request!.body, request!.headers as Record<string, string>);
    expect(verified).to.deep.equal(event);
    const [delivery] = await deliveries(user.token, endpoint.id);
    expect(delivery).to.include({ object: 'webhook_delivery', event: event.id, status: 'succeeded', attempt_count: 1 });
    expect(delivery.attempts[0]).to.include({ status_code: 200, error: null, next_attempt_at: null });
  });

  it('retries a 500 on the schedule with the same webhook-id until the receiver answers 2xx', async () => {
    const user = await newUser();
    const endpoint = (await createEndpoint(user.token)).body;
    receiver.answer({ status: 500 }, { status: 500 });
    await publish(paymentEvent(user.id));
    await deliverUntil(3);

    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).to.equal(1);
    const [delivery] = await deliveries(user.token, endpoint.id);
    expect(delivery.status).to.equal('succeeded');
    expect(delivery.attempts.map((a: { status_code: number }) => a.status_code)).to.deep.equal([500, 500, 200]);
    expect(delivery.attempts[0].next_attempt_at).to.be.a('string');
  });

  it('gives up after the last scheduled attempt, and a manual retry resends it now', async () => {
    const user = await newUser();
    const endpoint = (await createEndpoint(user.token)).body;
    receiver.answer({ status: 500 }, { status: 502 }, { status: 503 }, { status: 504 });
    await publish(paymentEvent(user.id));
    await deliverUntil(4);
    const [failed] = await deliveries(user.token, endpoint.id);
    expect(failed).to.include({ status: 'failed', attempt_count: 4, next_attempt_at: null });

    const retried = await call(app.url, 'POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/${failed.id}/retry`, {
      token: user.token,
    });
    expect(retried.status).to.equal(200);
    expect(retried.body).to.include({ status: 'succeeded', attempt_count: 5 });
    expect(receiver.received[4]!.headers['webhook-id']).to.equal(receiver.received[0]!.headers['webhook-id']);
  });

  it("honours a 429's Retry-After when it asks for longer than the schedule", async () => {
    const user = await newUser();
    const endpoint = (await createEndpoint(user.token)).body;
    receiver.answer({ status: 429, headers: { 'retry-after': '3600' } });
    await publish(paymentEvent(user.id));
    await deliverUntil(1);
    const [delivery] = await deliveries(user.token, endpoint.id);
    expect(delivery.status).to.equal('pending');
    const waitSeconds = (Date.parse(delivery.next_attempt_at) - Date.parse(delivery.attempts[0].attempted_at)) / 1000;
    expect(waitSeconds).to.be.at.least(3600);
  });

  it('disables the endpoint when the receiver answers 410 Gone', async () => {
    const user = await newUser();
    const endpoint = (await createEndpoint(user.token)).body;
    receiver.answer({ status: 410 });
    await publish(paymentEvent(user.id));
    await deliverUntil(1);
    const fetched = await call(app.url, 'GET', `/v1/webhook-endpoints/${endpoint.id}`, { token: user.token });
    expect(fetched.body).to.include({ status: 'disabled', disabled_reason: 'gone' });
    const [delivery] = await deliveries(user.token, endpoint.id);
    expect(delivery.status).to.equal('failed');
    // A disabled endpoint gets nothing new.
    await publish(paymentEvent(user.id));
    expect(await deliveries(user.token, endpoint.id)).to.have.length(1);
  });

  it('disables an endpoint that has been failing for 5 days', async () => {
    const user = await newUser();
    const endpoint = (await createEndpoint(user.token)).body;
    await app.db
      .knex('webhook_endpoints')
      .where({ id: endpoint.id })
      .update({ failing_since: new Date(Date.now() - 5 * 24 * 3600 * 1000 - 60_000) });
    receiver.answer({ status: 500 });
    await publish(paymentEvent(user.id));
    await deliverUntil(1);
    const fetched = await call(app.url, 'GET', `/v1/webhook-endpoints/${endpoint.id}`, { token: user.token });
    expect(fetched.body).to.include({ status: 'disabled', disabled_reason: 'failing' });
  });

  it('after a rotation, signs with both secrets until the old one expires', async () => {
    const user = await newUser();
    const endpoint = (await createEndpoint(user.token)).body;
    const rotated = await call(app.url, 'POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
      token: user.token,
      body: {},
    });
    expect(rotated.status).to.equal(200);
    expect(rotated.body.secret)
      .to.match(/^whsec_/)
      .and.not.equal(endpoint.secret);
    await publish(paymentEvent(user.id));
    await deliverUntil(1);

    const [request] = receiver.received;
    const headers = request!.headers as Record<string, string>;
    expect(headers['webhook-signature']!.split(' ')).to.have.length(2);
    expect(() => new Webhook(endpoint.secret).verify(request!.body, headers)).to.not.throw();
    expect(() => new Webhook(rotated.body.secret).verify(request!.body, headers)).to.not.throw();

    const bad = await call(app.url, 'POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
      token: user.token,
      body: { expires_in_seconds: -1 },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.param).to.equal('expires_in_seconds');
  });

  it('with a zero overlap, the old secret stops signing at once', async () => {
    const user = await newUser();
    const endpoint = (await createEndpoint(user.token)).body;
    const rotated = await call(app.url, 'POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
      token: user.token,
      body: { expires_in_seconds: 0 },
    });
    await publish(paymentEvent(user.id));
    await deliverUntil(1);
    const headers = receiver.received[0]!.headers as Record<string, string>;
    expect(() => new Webhook(rotated.body.secret).verify(receiver.received[0]!.body, headers)).to.not.throw();
    expect(() => new Webhook(endpoint.secret).verify(receiver.received[0]!.body, headers)).to.throw();
  });

  it('counts webhook deliveries by outcome in /metrics', async () => {
    const res = await call(app.url, 'GET', '/metrics');
    expect(res.body).to.match(/notification_deliveries_total\{channel="webhook",outcome="delivered"[^}]*\} [1-9]/);
    expect(res.body).to.match(/notification_deliveries_total\{channel="webhook",outcome="retrying"[^}]*\} [1-9]/);
  });
});
