import fs from 'node:fs/promises';
import path from 'node:path';
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

  it('emails the customer a receipt (.eml under the data dir, listed as channel "email") and pushes to their device', async () => {
    const customer = await newCustomer(stack(), 'receipt');
    const device = await call(stack().gateway, 'POST', '/v1/devices', {
      token: customer.token,
      body: { platform: 'fcm', token: `e2e:${'A'.repeat(40)}${Date.now()}` },
    });
    expect(device.status).to.equal(201);
    const payment = await payByCard(stack(), customer, 1999);
    expect(payment.status).to.equal(201);

    // notification-service looked the address up in auth-service with its client token.
    const listed = await eventually(async () => {
      const list = await call(stack().gateway, 'GET', '/v1/notifications', { token: customer.token });
      const channels = list.body.data
        .filter((n: { data: { payment?: string } }) => n.data.payment === payment.body.id)
        .map((n: { channel: string }) => n.channel);
      return channels.includes('email') && channels.includes('push') ? list.body.data : undefined;
    }, 30_000);
    const email = listed.find((n: { channel: string }) => n.channel === 'email');
    expect(email).to.include({ type: 'payment.succeeded', title: 'MicroPay: payment receipt' });

    const mailDir = path.join(stack().dataDir, 'mail');
    const files = (await fs.readdir(mailDir)).filter((f) => f.endsWith('.eml'));
    const messages = await Promise.all(files.map((f) => fs.readFile(path.join(mailDir, f), 'utf8')));
    const receipt = messages.find((m) => m.includes(payment.body.id as string));
    expect(receipt, 'an .eml for the payment').to.be.a('string');
    expect(receipt).to.match(new RegExp(`^To: ${customer.email.replace(/[.+]/g, '\\$&')}$`, 'm'));
    expect(receipt).to.match(/^Content-Type: multipart\/alternative/m);
    expect(receipt).to.contain('$19.99').and.contain('text/html');
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
