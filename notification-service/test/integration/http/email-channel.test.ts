import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { newEvent } from '@micropay/platform';
import { call, FakeAws } from '@micropay/platform/testing';
import { startNotificationTestApp, type NotificationTestApp } from '../../support/notification-test-app';
import { UserDirectoryStub } from '../../support/user-directory-stub';

/** The notification rows and channel deliveries of one event, as stored. */
const deliveriesOf = (app: NotificationTestApp, eventId: string) =>
  app.db.knex('channel_deliveries').where({ event_id: eventId }).orderBy('id');

let counter = 0;
const unique = () => `${Date.now()}${(counter += 1)}`;

function setUp(env: () => Record<string, string> = () => ({})) {
  const ctx = {} as {
    app: NotificationTestApp;
    directory: UserDirectoryStub;
    dataDir: string;
    publisher: string;
    newUser(email?: string): Promise<{ id: string; email: string; token: string }>;
    deliver(event: unknown): Promise<void>;
    dispatch(): Promise<void>;
    mailFiles(): Promise<string[]>;
  };
  before(async function () {
    this.timeout(60_000);
    ctx.dataDir = await mkdtemp(path.join(os.tmpdir(), 'micropay-mail-'));
    ctx.directory = await UserDirectoryStub.start();
    ctx.app = await startNotificationTestApp({
      env: {
        MICROPAY_DATA_DIR: ctx.dataDir,
        AUTH_SERVICE_URL: ctx.directory.url,
        EMAIL_FROM: 'MicroPay Receipts <receipts@micropay.test>',
        CHANNEL_RETRY_SCHEDULE: '1,1',
        ...env(),
      },
    });
    ctx.directory.verifier = ctx.app.issuer.verifier();
    ctx.publisher = await ctx.app.issuer.clientToken('payment-service', ['events:publish']);
  });
  after(async () => {
    await ctx.app?.close();
    await ctx.directory?.close();
    await rm(ctx.dataDir, { recursive: true, force: true });
  });
  ctx.newUser = async (email) => {
    const id = `usr_MAIL${unique()}`;
    const address = email ?? `person.${unique()}@example.com`;
    ctx.directory.users.set(id, address);
    return { id, email: address, token: await ctx.app.issuer.userToken(id) };
  };
  ctx.deliver = async (event) => {
    const res = await call(ctx.app.url, 'POST', '/internal/events', { token: ctx.publisher, body: event });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
  };
  ctx.dispatch = async () => {
    while (await ctx.app.deps.channelDispatcher.dispatchDue());
  };
  ctx.mailFiles = async () => {
    try {
      return (await readdir(path.join(ctx.dataDir, 'mail'))).filter((f) => f.endsWith('.eml'));
    } catch {
      return [];
    }
  };
  return ctx;
}

const payment = (type: string, customer: string, extra: Record<string, unknown> = {}) =>
  newEvent('payment-service', type, {
    id: `pay_${unique()}`,
    customer,
    amount: 1050,
    currency: 'usd',
    status: type.split('.')[1],
    ...extra,
  });

describe('email receipts, written as .eml files (npm start, tests)', () => {
  const ctx = setUp();

  it('writes a multipart/alternative receipt (text and HTML) to the address auth-service knows, and lists it as channel "email"', async () => {
    const user = await ctx.newUser();
    const event = payment('payment.succeeded', user.id);
    await ctx.deliver(event);
    await ctx.dispatch();

    const [delivery] = await deliveriesOf(ctx.app, event.id);
    expect(delivery, delivery.last_error).to.include({ channel: 'email', status: 'sent', attempts: 1 });
    const file = path.join(ctx.dataDir, 'mail', `${delivery.id}.eml`);
    const eml = await readFile(file, 'utf8');
    expect(eml).to.match(/^From: MicroPay Receipts <receipts@micropay\.test>$/m);
    expect(eml).to.match(new RegExp(`^To: ${user.email.replace(/\./g, '\\.')}$`, 'm'));
    expect(eml).to.match(/^Subject: MicroPay: payment receipt$/m);
    expect(eml).to.match(new RegExp(`^Message-ID: <${delivery.id}@micropay\\.test>$`, 'm'));
    expect(eml).to.match(/^MIME-Version: 1\.0$/m);
    const boundary = /^Content-Type: multipart\/alternative;\s*boundary="([^"]+)"/m.exec(eml)?.[1];
    expect(boundary, 'a multipart/alternative message').to.be.a('string');
    const parts = eml.split(`--${boundary}`).slice(1, -1);
    expect(parts).to.have.length(2);
    expect(parts[0]).to.match(/Content-Type: text\/plain; charset=utf-8/);
    expect(parts[0])
      .to.contain('$10.50')
      .and.contain(event.data.id as string);
    expect(parts[1]).to.match(/Content-Type: text\/html; charset=utf-8/);
    expect(parts[1]).to.contain('<h1').and.contain('Payment receipt');

    const list = await call(ctx.app.url, 'GET', '/v1/notifications', { token: user.token });
    const email = list.body.data.find((n: { channel: string }) => n.channel === 'email');
    expect(email).to.include({ type: 'payment.succeeded', title: 'MicroPay: payment receipt' });
    expect(email.body).to.contain('$10.50');
    expect(email.data).to.deep.equal({ payment: event.data.id });
    expect(list.body.data.map((n: { channel: string }) => n.channel).sort()).to.deep.equal(['email', 'in_app']);
  });

  it('sends receipts for failed payments (with the reason) and for refunds; other events send none', async () => {
    const user = await ctx.newUser();
    const failed = payment('payment.failed', user.id, { failure_message: 'card declined' });
    const refund = newEvent('payment-service', 'refund.succeeded', {
      id: `re_${unique()}`,
      payment: `pay_${unique()}`,
      customer: user.id,
      amount: 300,
      currency: 'usd',
      status: 'succeeded',
    });
    const waiting = payment('payment.requires_action', user.id);
    for (const event of [failed, refund, waiting]) await ctx.deliver(event);
    await ctx.dispatch();

    const text = async (eventId: string) => {
      const [d] = await deliveriesOf(ctx.app, eventId);
      return readFile(path.join(ctx.dataDir, 'mail', `${d.id}.eml`), 'utf8');
    };
    const failedMail = await text(failed.id);
    expect(failedMail)
      .to.match(/^Subject: MicroPay: payment failed$/m)
      .and.contain('card declined');
    const refundMail = await text(refund.id);
    expect(refundMail)
      .to.match(/^Subject: MicroPay: refund receipt$/m)
      .and.contain('$3.00');
    expect(await deliveriesOf(ctx.app, waiting.id)).to.deep.equal([]);
  });

  it('escapes what the event carries in the HTML part', async () => {
    const user = await ctx.newUser();
    const event = payment('payment.failed', user.id, { failure_message: '<script>alert(1)</script>' });
    await ctx.deliver(event);
    await ctx.dispatch();
    const [d] = await deliveriesOf(ctx.app, event.id);
    const eml = await readFile(path.join(ctx.dataDir, 'mail', `${d.id}.eml`), 'utf8');
    const html = eml.slice(eml.indexOf('Content-Type: text/html'));
    expect(html).to.contain('&lt;script&gt;').and.not.contain('<script>');
  });

  it('sends one email for an event delivered twice', async () => {
    const user = await ctx.newUser();
    const event = payment('payment.succeeded', user.id);
    await ctx.deliver(event);
    await ctx.deliver(event);
    await ctx.dispatch();
    await ctx.dispatch();
    const rows = await deliveriesOf(ctx.app, event.id);
    expect(rows).to.have.length(1);
    const files = await ctx.mailFiles();
    expect(files.filter((f) => f.startsWith(rows[0].id))).to.have.length(1);
  });

  it('retries with backoff while auth-service is unavailable, then sends; the lookup is cached', async () => {
    const user = await ctx.newUser();
    const event = payment('payment.succeeded', user.id);
    await ctx.deliver(event);
    ctx.directory.failures = 10; // more than the peer client's own retries of one attempt
    await ctx.dispatch();
    let [row] = await deliveriesOf(ctx.app, event.id);
    expect(row).to.include({ status: 'pending', attempts: 1 });
    expect(row.last_error).to.match(/auth-service is unavailable/);
    expect(new Date(row.next_attempt_at).getTime()).to.be.greaterThan(Date.now());
    expect(await ctx.mailFiles()).to.not.include(`${row.id}.eml`);

    ctx.directory.failures = 0;
    // The schedule says 1 s: make it due now instead of sleeping.
    await ctx.app.db
      .knex('channel_deliveries')
      .where({ id: row.id })
      .update({ next_attempt_at: new Date(0) });
    await ctx.dispatch();
    [row] = await deliveriesOf(ctx.app, event.id);
    expect(row).to.include({ status: 'sent', attempts: 2, last_error: null });

    const second = payment('payment.succeeded', user.id);
    const lookups = ctx.directory.lookups.filter((id) => id === user.id).length;
    await ctx.deliver(second);
    await ctx.dispatch();
    expect((await deliveriesOf(ctx.app, second.id))[0].status).to.equal('sent');
    expect(ctx.directory.lookups.filter((id) => id === user.id).length).to.equal(lookups);
  });

  it('gives up at once for a user auth-service does not know', async () => {
    const ghost = payment('payment.succeeded', `usr_GHOST${unique()}`);
    await ctx.deliver(ghost);
    await ctx.dispatch();
    const [row] = await deliveriesOf(ctx.app, ghost.id);
    expect(row).to.include({ status: 'failed', attempts: 1 });
    expect(row.last_error).to.match(/no user/);
  });

  // Last of this app's tests: so many failures open the breaker to auth-service.
  it('gives up once the schedule is spent', async () => {
    const user = await ctx.newUser();
    const event = payment('payment.succeeded', user.id);
    await ctx.deliver(event);
    ctx.directory.failures = 1000;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await ctx.app.db
        .knex('channel_deliveries')
        .where({ event_id: event.id })
        .update({ next_attempt_at: new Date(0) });
      await ctx.dispatch();
    }
    ctx.directory.failures = 0;
    const [spent] = await deliveriesOf(ctx.app, event.id);
    expect([spent.status, spent.attempts, spent.next_attempt_at]).to.deep.equal(['failed', 3, null]);
    expect(spent.last_error).to.match(/auth-service is unavailable/);
  });

  it('counts emails by outcome in /metrics', async () => {
    const metrics = (await call(ctx.app.url, 'GET', '/metrics')).body as string;
    expect(metrics).to.match(/notification_deliveries_total\{channel="email",outcome="delivered"[^}]*\} [1-9]/);
    expect(metrics).to.match(/notification_deliveries_total\{channel="email",outcome="retrying"[^}]*\} [1-9]/);
    expect(metrics).to.match(/notification_deliveries_total\{channel="email",outcome="failed"[^}]*\} [1-9]/);
  });
});

describe('email through SES v2 and suppression from SES feedback (real SDK, fake AWS over HTTP)', () => {
  let aws: FakeAws;
  const keys = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
  const saved: Record<string, string | undefined> = {};
  let feedbackQueue: string;
  before(async () => {
    aws = await FakeAws.start();
    feedbackQueue = aws.createQueue('ses-feedback');
    for (const key of keys) saved[key] = process.env[key];
    // The SDK's own variables: SES v2 and SQS find the fake there, as they would LocalStack.
    process.env.AWS_ENDPOINT_URL = aws.url;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
  });
  after(async () => {
    for (const key of keys) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await aws.close();
  });
  const ctx = setUp(() => ({
    EMAIL_TRANSPORT: 'ses',
    SES_CONFIGURATION_SET: 'micropay',
    SES_FEEDBACK_SQS_QUEUE_URL: feedbackQueue,
  }));

  /** SES → SNS → SQS: the body is SNS's notification JSON around SES's. */
  const sesFeedback = (notification: unknown) =>
    aws
      .queue(feedbackQueue)
      .send(
        JSON.stringify({ Type: 'Notification', MessageId: `m-${unique()}`, Message: JSON.stringify(notification) }),
      );
  const bounce = (email: string, bounceType = 'Permanent') => ({
    notificationType: 'Bounce',
    bounce: { bounceType, bounceSubType: 'General', bouncedRecipients: [{ emailAddress: email }] },
    mail: { messageId: 'ses-1' },
  });
  const complaint = (email: string) => ({
    eventType: 'Complaint',
    complaint: { complainedRecipients: [{ emailAddress: email }], complaintFeedbackType: 'abuse' },
    mail: { messageId: 'ses-2' },
  });

  it('sends the receipt with SES v2 SendEmail: the raw MIME message from EMAIL_FROM, with the configuration set', async () => {
    const user = await ctx.newUser();
    const event = payment('payment.succeeded', user.id);
    const before = aws.emails.length;
    await ctx.deliver(event);
    await ctx.dispatch();
    expect(aws.emails).to.have.length(before + 1);
    const request = aws.emails.at(-1) as Record<string, unknown>;
    expect(request).to.deep.include({
      FromEmailAddress: 'MicroPay Receipts <receipts@micropay.test>',
      Destination: { ToAddresses: [user.email] },
      ConfigurationSetName: 'micropay',
    });
    const raw = aws.rawEmails().at(-1)!;
    expect(raw)
      .to.match(/Content-Type: multipart\/alternative/)
      .and.match(/text\/plain/)
      .and.match(/text\/html/);
    const [row] = await deliveriesOf(ctx.app, event.id);
    expect(row.status).to.equal('sent');
    expect(row.provider_message_id)
      .to.be.a('string')
      .and.not.match(/^file:/);
    expect(await ctx.mailFiles()).to.deep.equal([]);
  });

  it('retries when SES throttles, and gives up at once when SES rejects the message', async () => {
    const user = await ctx.newUser();
    const throttled = payment('payment.succeeded', user.id);
    // The SDK retries throttling itself (3 attempts); the delivery backs off when all of them fail.
    aws.sesFailures.push(...Array.from({ length: 3 }, () => ({ code: 'TooManyRequestsException', status: 429 })));
    await ctx.deliver(throttled);
    await ctx.dispatch();
    expect((await deliveriesOf(ctx.app, throttled.id))[0]).to.include({ status: 'pending', attempts: 1 });

    const rejected = payment('payment.succeeded', user.id);
    await ctx.app.db
      .knex('channel_deliveries')
      .where({ event_id: throttled.id })
      .update({ next_attempt_at: new Date(0) });
    aws.sesFailures.push({ code: 'MessageRejected', status: 400 });
    await ctx.deliver(rejected);
    await ctx.dispatch();
    const rows = await ctx.app.db.knex('channel_deliveries').whereIn('event_id', [throttled.id, rejected.id]);
    const statuses = rows.map((r) => r.status).sort();
    // One of the two met the rejection (which one is the order of the batch), the other was sent.
    expect(statuses).to.deep.equal(['failed', 'sent']);
    expect(rows.find((r) => r.status === 'failed')!.last_error).to.match(/MessageRejected/);
  });

  it('suppresses an address after a permanent bounce or a complaint arriving through SNS → SQS; a transient bounce does not', async () => {
    const bounced = await ctx.newUser(`Bounced.${unique()}@Example.com`);
    const complained = await ctx.newUser();
    const transient = await ctx.newUser();
    sesFeedback(bounce(bounced.email.toLowerCase()));
    sesFeedback(complaint(complained.email));
    sesFeedback(bounce(transient.email, 'Transient'));
    sesFeedback({ eventType: 'Delivery', mail: { messageId: 'ses-3' } });
    const consumer = ctx.app.deps.feedbackConsumer!;
    expect(consumer, 'SES_FEEDBACK_SQS_QUEUE_URL starts a consumer').to.not.equal(undefined);
    let handled = 0;
    while (handled < 4) handled += await consumer.pollOnce();
    expect(aws.queue(feedbackQueue).messages).to.have.length(0);
    const suppressed = await ctx.app.db.knex('email_suppressions').orderBy('email');
    const emails = suppressed.map((s) => s.email);
    expect(emails).to.include(bounced.email.toLowerCase()).and.include(complained.email);
    expect(emails).to.not.include(transient.email);
    expect(suppressed.find((s) => s.email === complained.email)).to.include({ reason: 'complaint' });

    const sentBefore = aws.emails.length;
    const events = [bounced, complained, transient].map((u) => payment('payment.succeeded', u.id));
    for (const event of events) await ctx.deliver(event);
    await ctx.dispatch();
    const outcome = async (eventId: string) => (await deliveriesOf(ctx.app, eventId))[0].status;
    expect(await outcome(events[0]!.id)).to.equal('suppressed');
    expect(await outcome(events[1]!.id)).to.equal('suppressed');
    expect(await outcome(events[2]!.id)).to.equal('sent');
    expect(aws.emails.length - sentBefore).to.equal(1);
    expect((aws.emails.at(-1) as { Destination: unknown }).Destination).to.deep.equal({
      ToAddresses: [transient.email],
    });
    const metrics = (await call(ctx.app.url, 'GET', '/metrics')).body as string;
    expect(metrics).to.match(/notification_deliveries_total\{channel="email",outcome="suppressed"[^}]*\} [2-9]/);
  });

  it('leaves a message that is not SES feedback in the queue, for its dead-letter queue', async () => {
    aws.queue(feedbackQueue).send('{"hello": "world"}');
    expect(await ctx.app.deps.feedbackConsumer!.pollOnce()).to.equal(0);
    expect(aws.queue(feedbackQueue).messages).to.have.length(1);
    aws.queue(feedbackQueue).messages.splice(0);
  });
});
