import { expect } from 'chai';
import { newEvent } from '@micropay/platform';
import { call } from '@micropay/platform/testing';
import { newWebhookSecret } from '../../../src/domain/webhook-signing';
import { startNotificationTestApp, type NotificationTestApp } from '../../support/notification-test-app';

describe('notification-service events and notifications', () => {
  let app: NotificationTestApp;
  let publisher: string;
  before(async function () {
    this.timeout(60_000);
    app = await startNotificationTestApp();
    publisher = await app.issuer.clientToken('payment-service', ['events:publish']);
  });
  after(() => app?.close());

  let users = 0;
  const newUser = async () => {
    const id = `usr_NTFTEST${Date.now()}${(users += 1)}`;
    return { id, token: await app.issuer.userToken(id) };
  };
  const paymentEvent = (customer: string, amount = 1050) =>
    newEvent('payment-service', 'payment.succeeded', {
      id: `pay_${Date.now()}`,
      customer,
      amount,
      currency: 'usd',
      status: 'succeeded',
    });
  const deliver = (body: unknown, token = publisher) => call(app.url, 'POST', '/internal/events', { token, body });
  const countRows = async (table: string) => Number((await app.db.knex(table).count<{ c: number }[]>('* as c'))[0]!.c);

  it('turns a payment.succeeded event into a notification the customer can list', async () => {
    const user = await newUser();
    const event = paymentEvent(user.id);
    const res = await deliver(event);
    expect(res.status).to.equal(202);
    expect(res.body).to.deep.equal({ received: true, duplicate: false });
    const list = await call(app.url, 'GET', '/v1/notifications', { token: user.token });
    expect(list.status).to.equal(200);
    expect(list.body).to.include({ object: 'list', has_more: false });
    expect(list.body.data).to.have.length(1);
    expect(list.body.data[0]).to.include({
      object: 'notification',
      type: 'payment.succeeded',
      channel: 'in_app',
      title: 'Payment succeeded',
      read_at: null,
    });
    expect(list.body.data[0].body).to.contain('$10.50');
    expect(list.body.data[0].data).to.deep.equal({ payment: event.data.id });
  });

  it('processes a redelivered event once, even when copies arrive together', async () => {
    const user = await newUser();
    const event = paymentEvent(user.id);
    const results = await Promise.all(Array.from({ length: 5 }, () => deliver(event)));
    expect(results.every((r) => r.status === 202)).to.equal(true);
    expect(results.filter((r) => r.body.duplicate === false)).to.have.length(1);
    const again = await deliver(event);
    expect(again.body.duplicate).to.equal(true);
    const list = await call(app.url, 'GET', '/v1/notifications', { token: user.token });
    expect(list.body.data).to.have.length(1);
  });

  it('counts consumed events, duplicates and notifications in /metrics', async () => {
    const res = await call(app.url, 'GET', '/metrics');
    expect(res.body).to.match(/events_consumed_total\{[^}]*type="payment.succeeded"[^}]*duplicate="true"[^}]*\} [1-9]/);
    expect(res.body).to.match(
      /notifications_created_total\{[^}]*type="payment.succeeded"[^}]*channel="in_app"[^}]*\} [1-9]/,
    );
  });

  it('counts notification deliveries by channel and outcome, and events it cannot process, in /metrics', async () => {
    const sample = async (pattern: RegExp) => {
      const match = pattern.exec((await call(app.url, 'GET', '/metrics')).body as string);
      return match ? Number(match[1]) : 0;
    };
    const delivered = /notification_deliveries_total\{channel="in_app",outcome="delivered"[^}]*\} (\d+)/;
    const duplicate = /notification_deliveries_total\{channel="in_app",outcome="duplicate"[^}]*\} (\d+)/;
    const invalid = /events_failed_total\{type="payment.failed",reason="invalid_data"[^}]*\} (\d+)/;
    const before = {
      delivered: await sample(delivered),
      duplicate: await sample(duplicate),
      invalid: await sample(invalid),
    };

    const user = await newUser();
    const event = paymentEvent(user.id);
    expect((await deliver(event)).status).to.equal(202);
    expect((await deliver(event)).status).to.equal(202);
    // A payment event without the customer cannot become a notification: refused, so it is retried.
    const bad = newEvent('payment-service', 'payment.failed', { id: 'pay_nocustomer', amount: 100, currency: 'usd' });
    const refused = await deliver(bad);
    expect(refused.status).to.equal(400);
    expect(refused.body.error).to.include({ code: 'parameter_missing', param: 'customer' });

    expect(await sample(delivered)).to.equal(before.delivered + 1);
    expect(await sample(duplicate)).to.equal(before.duplicate + 1);
    expect(await sample(invalid)).to.equal(before.invalid + 1);
  });

  it('takes a batch of events in order, answering for each: accepted, duplicate or failed', async () => {
    const user = await newUser();
    const first = paymentEvent(user.id, 100);
    const second = paymentEvent(user.id, 200);
    const bad = newEvent('payment-service', 'payment.failed', { id: 'pay_nocustomer', amount: 100, currency: 'usd' });
    const res = await call(app.url, 'POST', '/internal/event-batches', {
      token: publisher,
      body: { events: [first, first, bad, second] },
    });
    expect(res.status).to.equal(200);
    expect(res.body.data.map((r: { id: string; status: string }) => [r.id, r.status])).to.deep.equal([
      [first.id, 'accepted'],
      [first.id, 'duplicate'],
      [bad.id, 'failed'],
      [second.id, 'accepted'],
    ]);
    expect(res.body.data[2].error.message).to.contain('customer');
    const list = await call(app.url, 'GET', '/v1/notifications', { token: user.token });
    expect(list.body.data.map((n: { body: string }) => n.body.match(/\$\d+\.\d+/)![0])).to.deep.equal([
      '$2.00',
      '$1.00',
    ]);
  });

  it('records a batch in one go with each event fanned out to its own owner: webhooks, email and pushes', async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const events = [paymentEvent(alice.id, 100), paymentEvent(bob.id, 200), paymentEvent(alice.id, 300)];
    events.forEach((e, i) => Object.assign(e.data, { id: `${e.data.id}_${i}` }));
    const ids = events.map((e) => e.id);
    const [a1, b, a2] = ids;
    try {
      // Alice has a webhook endpoint for payment.succeeded and two enabled devices; Bob has neither.
      await app.db.knex('webhook_endpoints').insert([
        {
          id: `we_A${alice.id}`,
          owner_id: alice.id,
          url: 'http://127.0.0.1:9/hook',
          enabled_events: JSON.stringify(['payment.succeeded']),
          secret: newWebhookSecret(),
        },
        {
          id: `we_B${alice.id}`,
          owner_id: alice.id,
          url: 'http://127.0.0.1:9/refunds',
          enabled_events: JSON.stringify(['refund.succeeded']),
          secret: newWebhookSecret(),
        },
      ]);
      await app.db.knex('devices').insert([
        { id: `dev_1${alice.id}`, user_id: alice.id, platform: 'fcm', token: `t1${alice.id}` },
        { id: `dev_2${alice.id}`, user_id: alice.id, platform: 'apns', token: `t2${alice.id}` },
        { id: `dev_3${alice.id}`, user_id: alice.id, platform: 'fcm', token: `t3${alice.id}`, status: 'disabled' },
      ]);
      const batch = () => call(app.url, 'POST', '/internal/event-batches', { token: publisher, body: { events } });
      const statuses = (res: { body: { data: { status: string }[] } }) => res.body.data.map((r) => r.status);
      const webhooksPerEvent = async () =>
        Object.fromEntries(
          (
            await app.db
              .knex('webhook_deliveries')
              .whereIn('event_id', ids)
              .select('event_id')
              .count('* as c')
              .groupBy('event_id')
          ).map((r) => [r.event_id, Number(r.c)]),
        );

      const res = await batch();
      expect(res.status).to.equal(200);
      expect(statuses(res)).to.deep.equal(['accepted', 'accepted', 'accepted']);
      expect(await webhooksPerEvent()).to.deep.equal({ [a1!]: 1, [a2!]: 1 });
      const channels = await app.db.knex('channel_deliveries').whereIn('event_id', ids);
      const summary = (id: string) =>
        channels
          .filter((c) => c.event_id === id)
          .map((c) => `${c.channel}:${c.device_id ?? '-'}`)
          .sort();
      expect(summary(a1!)).to.deep.equal(['email:-', `push:dev_1${alice.id}`, `push:dev_2${alice.id}`]);
      expect(summary(a2!)).to.deep.equal(['email:-', `push:dev_1${alice.id}`, `push:dev_2${alice.id}`]);
      expect(summary(b!)).to.deep.equal(['email:-']);
      const list = await call(app.url, 'GET', '/v1/notifications', { token: alice.token });
      expect(list.body.data.filter((n: { channel: string }) => n.channel === 'in_app')).to.have.length(2);

      // The same batch again changes nothing.
      expect(statuses(await batch())).to.deep.equal(['duplicate', 'duplicate', 'duplicate']);
      expect(await webhooksPerEvent()).to.deep.equal({ [a1!]: 1, [a2!]: 1 });
      expect(await app.db.knex('channel_deliveries').whereIn('event_id', ids)).to.have.length(channels.length);
    } finally {
      // The suites share the database on a server: leave nothing for another suite's jobs to send.
      await app.db.knex('webhook_deliveries').whereIn('event_id', ids).delete();
      await app.db.knex('channel_deliveries').whereIn('event_id', ids).delete();
      await app.db.knex('webhook_endpoints').where({ owner_id: alice.id }).delete();
      await app.db.knex('devices').where({ user_id: alice.id }).delete();
    }
  });

  it('when the database refuses one event of a batch, records the others once and leaves that one to be retried', async () => {
    const user = await newUser();
    // A trigger that refuses one notification stands in for a write the database rejects.
    await app.db.knex.raw(`create or replace function refuse_666() returns trigger language plpgsql as $$
      begin if new.body like '%$6.66%' then raise exception 'refused by test trigger'; end if; return new; end $$`);
    await app.db.knex.raw(
      'create trigger refuse_666 before insert on notifications for each row execute function refuse_666()',
    );
    try {
      const events = [paymentEvent(user.id, 100), paymentEvent(user.id, 666), paymentEvent(user.id, 200)];
      events.forEach((e, i) => Object.assign(e.data, { id: `${e.data.id}_${i}` }));
      const res = await call(app.url, 'POST', '/internal/event-batches', { token: publisher, body: { events } });
      expect(res.status).to.equal(200);
      expect(res.body.data.map((r: { status: string }) => r.status)).to.deep.equal(['accepted', 'failed', 'accepted']);
      expect(res.body.data[1].error.message).to.contain('refused by test trigger');
      const ids = events.map((e) => e.id);
      const inbox = await app.db.knex('inbox').whereIn('event_id', ids).pluck('event_id');
      expect(inbox.sort()).to.deep.equal([events[0]!.id, events[2]!.id].sort());
      const list = await call(app.url, 'GET', '/v1/notifications', { token: user.token });
      expect(list.body.data.filter((n: { channel: string }) => n.channel === 'in_app')).to.have.length(2);
    } finally {
      await app.db.knex.raw('drop trigger refuse_666 on notifications');
      await app.db.knex.raw('drop function refuse_666()');
    }
  });

  it('refuses a batch with a malformed envelope as a whole (400 naming it), and records nothing', async () => {
    const user = await newUser();
    const before = await countRows('inbox');
    const good = paymentEvent(user.id);
    const batch = (events: unknown) =>
      call(app.url, 'POST', '/internal/event-batches', { token: publisher, body: { events } });
    const malformed = await batch([good, { ...good, id: 'not-an-event-id' }]);
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.param).to.equal('events[1].id');
    expect((await batch([])).status).to.equal(400);
    expect((await call(app.url, 'POST', '/internal/event-batches', { body: { events: [good] } })).status).to.equal(401);
    expect(await countRows('inbox')).to.equal(before);
  });

  it('records events it does not notify about, without creating notifications', async () => {
    const before = await countRows('notifications');
    const res = await deliver(newEvent('transaction-service', 'ledger.transfer_posted', { id: 'tr_1' }));
    expect(res.status).to.equal(202);
    expect(await countRows('notifications')).to.equal(before);
  });

  it('accepts events only from clients with events:publish', async () => {
    const user = await newUser();
    const before = await countRows('inbox');
    expect((await deliver(paymentEvent(user.id), user.token)).status).to.equal(403);
    const noScope = await app.issuer.clientToken('payment-service', ['ledger:write']);
    const res = await deliver(paymentEvent(user.id), noScope);
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('insufficient_scope');
    expect((await call(app.url, 'POST', '/internal/events', { body: paymentEvent(user.id) })).status).to.equal(401);
    expect(await countRows('inbox')).to.equal(before);
  });

  it('answers 400 naming the field for a malformed envelope, and records nothing', async () => {
    const user = await newUser();
    const before = await countRows('inbox');
    const good = paymentEvent(user.id);
    for (const [body, param] of [
      [{ ...good, id: 'not-an-event-id' }, 'id'],
      [{ ...good, time: 'yesterday' }, 'time'],
      [{ ...good, extra: 1 }, 'extra'],
      [{ ...good, data: undefined }, 'data'],
    ] as const) {
      const res = await deliver(body);
      expect(res.status, param).to.equal(400);
      expect(res.body.error.param).to.equal(param);
    }
    expect(await countRows('inbox')).to.equal(before);
  });

  it('answers 401 to a missing, forged or expired token on GET /v1/notifications', async () => {
    const user = await newUser();
    expect((await deliver(paymentEvent(user.id))).status).to.equal(202);
    const [header, payload] = user.token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    const expired = await app.issuer.userToken(user.id, { expiresInSeconds: -60 });
    for (const [what, token] of [
      ['missing', undefined],
      ['forged', forged],
      ['expired', expired],
    ] as const) {
      const res = await call(app.url, 'GET', '/v1/notifications', { token });
      expect(res.status, what).to.equal(401);
      expect(res.body, what).not.to.have.property('data');
    }
  });

  it("lists only the caller's notifications, newest first, a page at a time", async () => {
    const alice = await newUser();
    const bob = await newUser();
    for (const amount of [100, 200, 300]) await deliver(paymentEvent(alice.id, amount));
    await deliver(paymentEvent(bob.id, 999));
    const first = await call(app.url, 'GET', '/v1/notifications?limit=2', { token: alice.token });
    expect(first.body.has_more).to.equal(true);
    expect(first.body.data.map((n: { body: string }) => n.body)).to.deep.equal([
      'Your payment of $3.00 was received and added to your wallet.',
      'Your payment of $2.00 was received and added to your wallet.',
    ]);
    const next = await call(app.url, 'GET', `/v1/notifications?limit=2&starting_after=${first.body.data[1].id}`, {
      token: alice.token,
    });
    expect(next.body.data).to.have.length(1);
    expect(next.body.has_more).to.equal(false);
    expect(JSON.stringify(first.body) + JSON.stringify(next.body)).not.to.contain('9.99');
  });
});
