import { expect } from 'chai';
import { newEvent } from '@micropay/platform';
import { call } from '@micropay/platform/testing';
import { startNotificationTestApp, type NotificationTestApp } from '../../support/notification-test-app';
import { WebhookReceiver } from '../../support/webhook-receiver';

/**
 * The guard runs at delivery time, on the addresses the connection would use. DNS is stubbed:
 * these tests never open a connection to a non-loopback address, and the loopback receiver
 * proves that nothing was sent.
 */
describe('webhook SSRF guard (WEBHOOK_ALLOW_PRIVATE_URLS off, as in the charts)', () => {
  let app: NotificationTestApp;
  let receiver: WebhookReceiver;
  let publisher: string;
  const dns = new Map<string, string>();
  const looked: string[] = [];

  before(async function () {
    this.timeout(60_000);
    receiver = await WebhookReceiver.start();
    app = await startNotificationTestApp({
      env: { WEBHOOK_RETRY_SCHEDULE: '1' },
      resolver: async (hostname) => {
        looked.push(hostname);
        const address = dns.get(hostname);
        if (!address) throw new Error(`stub DNS has no ${hostname}`);
        return [{ address, family: address.includes(':') ? 6 : 4 }];
      },
    });
    publisher = await app.issuer.clientToken('payment-service', ['events:publish']);
  });
  after(async () => {
    await app?.close();
    await receiver?.close();
  });

  let users = 0;
  async function attemptTo(url: string) {
    const id = `usr_SSRF${Date.now()}${(users += 1)}`;
    const token = await app.issuer.userToken(id);
    const endpoint = await call(app.url, 'POST', '/v1/webhook-endpoints', {
      token,
      body: { url, enabled_events: ['*'] },
    });
    expect(endpoint.status).to.equal(201);
    const event = newEvent('payment-service', 'payment.succeeded', {
      id: `pay_ssrf${users}`,
      customer: id,
      amount: 100,
      currency: 'usd',
    });
    expect((await call(app.url, 'POST', '/internal/events', { token: publisher, body: event })).status).to.equal(202);
    await app.deps.dispatcher.dispatchDue();
    const list = await call(app.url, 'GET', `/v1/webhook-endpoints/${endpoint.body.id}/deliveries`, { token });
    return list.body.data[0].attempts[0] as { status_code: number | null; error: string | null };
  }

  for (const [range, address] of [
    ['private (RFC 1918)', '10.0.0.5'],
    ['cloud metadata (link-local)', '169.254.169.254'],
    ['loopback', '127.0.0.1'],
    ['IPv6 unique-local', 'fd00:ec2::254'],
    ['IPv4-mapped IPv6 loopback', '::ffff:127.0.0.1'],
  ] as const) {
    it(`refuses a host that resolves to a ${range} address, before connecting`, async () => {
      const host = `hooks-${users + 1}.example.com`;
      dns.set(host, address);
      const port = new URL(receiver.url).port;
      const attempt = await attemptTo(`http://${host}:${port}/hooks`);
      expect(looked).to.include(host);
      expect(attempt.status_code).to.equal(null);
      expect(attempt.error).to.contain('refused').and.contain(address);
      expect(receiver.received).to.have.length(0);
    });
  }

  it('refuses a loopback IP literal, which never goes through DNS', async () => {
    const attempt = await attemptTo(receiver.url);
    expect(attempt.status_code).to.equal(null);
    expect(attempt.error).to.contain('refused');
    expect(receiver.received).to.have.length(0);
  });
});
