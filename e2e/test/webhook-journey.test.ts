import { expect } from 'chai';
import { call } from '@micropay/platform/testing';
import { Webhook } from 'standardwebhooks';
import { WebhookReceiver } from '../../notification-service/test/support/webhook-receiver';
import { eventually, newCustomer, payByCard, useE2eStack } from './support';

describe('e2e: a merchant receives signed webhooks through `npm start`', function () {
  this.timeout(240_000);
  const stack = useE2eStack();
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(() => receiver.close());

  const received = (count: number) =>
    eventually(async () => (receiver.received.length >= count ? receiver.received : undefined), 30_000);

  it('delivers a verified payment.succeeded, retried after two 500s with the same webhook-id', async () => {
    const customer = await newCustomer(stack(), 'webhooks');
    // npm start sets WEBHOOK_ALLOW_PRIVATE_URLS, so an endpoint on this machine is allowed.
    const endpoint = await call(stack().gateway, 'POST', '/v1/webhook-endpoints', {
      token: customer.token,
      body: { url: receiver.url, enabled_events: ['payment.succeeded'] },
    });
    expect(endpoint.status).to.equal(201);
    receiver.answer({ status: 500 }, { status: 500 });

    const payment = await payByCard(stack(), customer, 2500);
    expect(payment.status).to.equal(201);
    const requests = await received(3);

    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).to.equal(1);
    for (const request of requests) {
      const event = new Webhook(endpoint.body.secret).verify(request.body, request.headers as Record<string, string>);
      expect(event).to.deep.include({ type: 'payment.succeeded', source: 'payment-service' });
      expect((event as { data: { id: string } }).data.id).to.equal(payment.body.id);
    }
    const log = await call(stack().gateway, 'GET', `/v1/webhook-endpoints/${endpoint.body.id}/deliveries`, {
      token: customer.token,
    });
    expect(log.body.data[0].attempts.map((a: { status_code: number }) => a.status_code)).to.deep.equal([500, 500, 200]);
  });

  it('after a secret rotation, the next delivery verifies with the old and the new secret', async () => {
    const customer = await newCustomer(stack(), 'rotation');
    const endpoint = await call(stack().gateway, 'POST', '/v1/webhook-endpoints', {
      token: customer.token,
      body: { url: receiver.url, enabled_events: ['*'] },
    });
    const rotated = await call(stack().gateway, 'POST', `/v1/webhook-endpoints/${endpoint.body.id}/rotate-secret`, {
      token: customer.token,
      body: {},
    });
    expect(rotated.status).to.equal(200);

    await payByCard(stack(), customer, 700);
    const [request] = await received(1);
    const headers = request!.headers as Record<string, string>;
    expect(() => new Webhook(endpoint.body.secret).verify(request!.body, headers)).to.not.throw();
    expect(() => new Webhook(rotated.body.secret).verify(request!.body, headers)).to.not.throw();
  });
});
