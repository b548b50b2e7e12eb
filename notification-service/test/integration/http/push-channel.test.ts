import { expect } from 'chai';
import { newEvent } from '@micropay/platform';
import { call, FakeAws, type CallResult } from '@micropay/platform/testing';
import { startNotificationTestApp, type NotificationTestApp } from '../../support/notification-test-app';
import { UserDirectoryStub } from '../../support/user-directory-stub';

let counter = 0;
const unique = () => `${Date.now()}${(counter += 1)}`;
const apnsToken = () => Buffer.from(`${unique()}`.padEnd(32, 'x')).toString('hex').slice(0, 64);
const fcmToken = () => `fcm:${unique()}_${'A'.repeat(40)}`;

function setUp(env: () => Record<string, string> = () => ({})) {
  const ctx = {} as {
    app: NotificationTestApp;
    directory: UserDirectoryStub;
    publisher: string;
    newUser(): Promise<{ id: string; token: string }>;
    register(token: string, body: unknown): Promise<CallResult<any>>;
    deliver(event: unknown): Promise<void>;
    dispatch(): Promise<void>;
  };
  before(async function () {
    this.timeout(60_000);
    ctx.directory = await UserDirectoryStub.start();
    ctx.app = await startNotificationTestApp({
      env: { AUTH_SERVICE_URL: ctx.directory.url, CHANNEL_RETRY_SCHEDULE: '1,1', ...env() },
    });
    ctx.directory.verifier = ctx.app.issuer.verifier();
    ctx.publisher = await ctx.app.issuer.clientToken('payment-service', ['events:publish']);
  });
  after(async () => {
    await ctx.app?.close();
    await ctx.directory?.close();
  });
  ctx.newUser = async () => {
    const id = `usr_PUSH${unique()}`;
    return { id, token: await ctx.app.issuer.userToken(id) };
  };
  ctx.register = (token, body) => call(ctx.app.url, 'POST', '/v1/devices', { token, body });
  ctx.deliver = async (event) => {
    const res = await call(ctx.app.url, 'POST', '/internal/events', { token: ctx.publisher, body: event });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
  };
  ctx.dispatch = async () => {
    while (await ctx.app.deps.channelDispatcher.dispatchDue());
  };
  return ctx;
}

const succeeded = (customer: string) =>
  newEvent('payment-service', 'payment.succeeded', {
    id: `pay_${unique()}`,
    customer,
    amount: 2500,
    currency: 'brl',
    status: 'succeeded',
  });

describe('push devices: POST/GET/DELETE /v1/devices (stored locally, no SNS)', () => {
  const ctx = setUp();

  it('registers a device (201), answers the same device for the same token again (200), lists and deletes it', async () => {
    const user = await ctx.newUser();
    const token = apnsToken();
    const created = await ctx.register(user.token, { platform: 'apns', token });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({
      object: 'device',
      platform: 'apns',
      token,
      status: 'enabled',
      disabled_reason: null,
    });
    expect(created.body.id).to.match(/^dev_/);
    const again = await ctx.register(user.token, { platform: 'apns', token });
    expect(again.status).to.equal(200);
    expect(again.body.id).to.equal(created.body.id);
    expect(await ctx.app.db.knex('devices').where({ token })).to.have.length(1);
    expect((await ctx.app.db.knex('devices').where({ token }).first()).endpoint_arn).to.equal(null);

    const fcm = await ctx.register(user.token, { platform: 'fcm', token: fcmToken() });
    expect(fcm.status).to.equal(201);
    const list = await call(ctx.app.url, 'GET', '/v1/devices', { token: user.token });
    expect(list.status).to.equal(200);
    expect(list.body.data.map((d: { id: string }) => d.id)).to.deep.equal([fcm.body.id, created.body.id]);

    const removed = await call(ctx.app.url, 'DELETE', `/v1/devices/${created.body.id}`, { token: user.token });
    expect(removed.status).to.equal(204);
    const gone = await call(ctx.app.url, 'DELETE', `/v1/devices/${created.body.id}`, { token: user.token });
    expect(gone.status).to.equal(404);
    expect(gone.body.error.code).to.equal('device_not_found');
  });

  it("keeps users apart: another user's device is 404 and not listed", async () => {
    const owner = await ctx.newUser();
    const other = await ctx.newUser();
    const device = await ctx.register(owner.token, { platform: 'fcm', token: fcmToken() });
    const res = await call(ctx.app.url, 'DELETE', `/v1/devices/${device.body.id}`, { token: other.token });
    expect(res.status).to.equal(404);
    expect((await call(ctx.app.url, 'GET', '/v1/devices', { token: other.token })).body.data).to.deep.equal([]);
    expect(await ctx.app.db.knex('devices').where({ id: device.body.id })).to.have.length(1);
  });

  it('moves a token registered by another user to that user (the phone changed hands)', async () => {
    const first = await ctx.newUser();
    const second = await ctx.newUser();
    const token = fcmToken();
    const original = await ctx.register(first.token, { platform: 'fcm', token });
    const moved = await ctx.register(second.token, { platform: 'fcm', token });
    expect(moved.status).to.equal(201);
    expect(moved.body.id).to.equal(original.body.id);
    expect((await call(ctx.app.url, 'GET', '/v1/devices', { token: first.token })).body.data).to.deep.equal([]);
    expect((await call(ctx.app.url, 'GET', '/v1/devices', { token: second.token })).body.data).to.have.length(1);
  });

  it('answers 400 naming the field for bad input, and stores nothing', async () => {
    const user = await ctx.newUser();
    const cases: [unknown, string][] = [
      [{ platform: 'sms', token: fcmToken() }, 'platform'],
      [{ token: fcmToken() }, 'platform'],
      [{ platform: 'apns' }, 'token'],
      [{ platform: 'apns', token: 'not-hex' }, 'token'],
      [{ platform: 'apns', token: 'ab'.repeat(10) }, 'token'],
      [{ platform: 'fcm', token: 'short' }, 'token'],
      [{ platform: 'fcm', token: 12345 }, 'token'],
      [{ platform: 'fcm', token: fcmToken(), badge: 1 }, 'badge'],
    ];
    for (const [body, param] of cases) {
      const res = await ctx.register(user.token, body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error.param, JSON.stringify(body)).to.equal(param);
    }
    expect(await ctx.app.db.knex('devices').where({ user_id: user.id })).to.deep.equal([]);
    const badId = await call(ctx.app.url, 'DELETE', '/v1/devices/nope', { token: user.token });
    expect(badId.status).to.equal(400);
    expect(badId.body.error.param).to.equal('id');
    expect((await call(ctx.app.url, 'GET', '/v1/devices')).status).to.equal(401);
  });

  it('records a push per device as a notification with channel "push"', async () => {
    const user = await ctx.newUser();
    await ctx.register(user.token, { platform: 'apns', token: apnsToken() });
    await ctx.register(user.token, { platform: 'fcm', token: fcmToken() });
    const event = succeeded(user.id);
    await ctx.deliver(event);
    await ctx.dispatch();
    const rows = await ctx.app.db.knex('channel_deliveries').where({ event_id: event.id, channel: 'push' });
    expect(rows.map((r) => r.status)).to.deep.equal(['sent', 'sent']);
    const list = await call(ctx.app.url, 'GET', '/v1/notifications', { token: user.token });
    const pushes = list.body.data.filter((n: { channel: string }) => n.channel === 'push');
    expect(pushes).to.have.length(1);
    expect(pushes[0]).to.include({ type: 'payment.succeeded', title: 'Payment succeeded' });
    expect(pushes[0].body).to.contain('R$25.00');
  });

  it('queues no push for a user without devices', async () => {
    const user = await ctx.newUser();
    const event = succeeded(user.id);
    await ctx.deliver(event);
    expect(await ctx.app.db.knex('channel_deliveries').where({ event_id: event.id, channel: 'push' })).to.deep.equal(
      [],
    );
  });
});

describe('push through SNS mobile endpoints (real SDK, fake AWS over HTTP)', () => {
  let aws: FakeAws;
  const APNS_APP = 'arn:aws:sns:us-east-1:000000000000:app/APNS/micropay-ios';
  const FCM_APP = 'arn:aws:sns:us-east-1:000000000000:app/GCM/micropay-android';
  const keys = ['AWS_ENDPOINT_URL_SNS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
  const saved: Record<string, string | undefined> = {};
  before(async () => {
    aws = await FakeAws.start();
    for (const key of keys) saved[key] = process.env[key];
    process.env.AWS_ENDPOINT_URL_SNS = aws.url;
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
    PUSH_PLATFORM_APPLICATION_ARN_APNS: APNS_APP,
    PUSH_PLATFORM_APPLICATION_ARN_FCM: FCM_APP,
  }));

  it('creates the platform endpoint on the application of the platform, once per token', async () => {
    const user = await ctx.newUser();
    const token = apnsToken();
    const created = await ctx.register(user.token, { platform: 'apns', token });
    expect(created.status).to.equal(201);
    const row = await ctx.app.db.knex('devices').where({ id: created.body.id }).first();
    expect(row.endpoint_arn).to.match(/^arn:aws:sns:us-east-1:000000000000:endpoint\/APNS\/micropay-ios\//);
    expect(aws.endpoints.get(row.endpoint_arn)).to.deep.equal({ token, enabled: true, application: APNS_APP });
    await ctx.register(user.token, { platform: 'apns', token });
    expect([...aws.endpoints.values()].filter((e) => e.token === token)).to.have.length(1);

    const fcm = await ctx.register(user.token, { platform: 'fcm', token: fcmToken() });
    const fcmRow = await ctx.app.db.knex('devices').where({ id: fcm.body.id }).first();
    expect(aws.endpoints.get(fcmRow.endpoint_arn)!.application).to.equal(FCM_APP);
  });

  it('publishes each push to the device endpoint (TargetArn) with a payload per platform', async () => {
    const user = await ctx.newUser();
    const device = await ctx.register(user.token, { platform: 'fcm', token: fcmToken() });
    const arn = (await ctx.app.db.knex('devices').where({ id: device.body.id }).first()).endpoint_arn;
    const event = succeeded(user.id);
    await ctx.deliver(event);
    await ctx.dispatch();
    const published = aws.pushes.filter((p) => p.targetArn === arn);
    expect(published).to.have.length(1);
    const message = JSON.parse(published[0]!.message);
    expect(message.default).to.contain('R$25.00');
    expect(JSON.parse(message.GCM)).to.deep.include({
      notification: { title: 'Payment succeeded', body: message.default },
      data: { payment: event.data.id },
    });
    expect(JSON.parse(message.APNS).aps.alert.title).to.equal('Payment succeeded');
    const [row] = await ctx.app.db.knex('channel_deliveries').where({ event_id: event.id, channel: 'push' });
    expect(row).to.include({ status: 'sent', attempts: 1 });
  });

  it('marks a device whose endpoint SNS disabled as disabled, fails the push without retrying, and sends it no more', async () => {
    const user = await ctx.newUser();
    const token = apnsToken();
    const device = await ctx.register(user.token, { platform: 'apns', token });
    const arn = (await ctx.app.db.knex('devices').where({ id: device.body.id }).first()).endpoint_arn;
    aws.endpoints.get(arn)!.enabled = false; // APNs told SNS the token is no longer valid
    const event = succeeded(user.id);
    await ctx.deliver(event);
    await ctx.dispatch();
    const [row] = await ctx.app.db.knex('channel_deliveries').where({ event_id: event.id, channel: 'push' });
    expect(row).to.include({ status: 'failed', attempts: 1, next_attempt_at: null });
    expect(row.last_error).to.match(/EndpointDisabled/);
    const listed = (await call(ctx.app.url, 'GET', '/v1/devices', { token: user.token })).body.data[0];
    expect(listed).to.include({ id: device.body.id, status: 'disabled' });
    expect(listed.disabled_reason).to.match(/EndpointDisabled/);

    await ctx.dispatch();
    expect(aws.pushes.filter((p) => p.targetArn === arn)).to.deep.equal([]);
    const next = succeeded(user.id);
    await ctx.deliver(next);
    expect(await ctx.app.db.knex('channel_deliveries').where({ event_id: next.id, channel: 'push' })).to.deep.equal([]);
    const metrics = (await call(ctx.app.url, 'GET', '/metrics')).body as string;
    expect(metrics).to.match(/notification_deliveries_total\{channel="push",outcome="failed"[^}]*\} [1-9]/);

    // The app registers the token again (the user opened it): SNS enables the endpoint, pushes resume.
    const again = await ctx.register(user.token, { platform: 'apns', token });
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ id: device.body.id, status: 'enabled', disabled_reason: null });
    expect(aws.endpoints.get(arn)!.enabled).to.equal(true);
    const resumed = succeeded(user.id);
    await ctx.deliver(resumed);
    await ctx.dispatch();
    expect(aws.pushes.filter((p) => p.targetArn === arn)).to.have.length(1);
  });
});
