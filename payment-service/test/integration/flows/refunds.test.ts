import { expect } from 'chai';
import { call } from '@micropay/platform/testing';
import { paymentEventSchemas } from '../../../src/http/event-schemas';
import {
  customerWithWallet,
  drainOutbox,
  peersUp,
  poster,
  startPaymentTestApp,
  visa,
  type PaymentTestApp,
} from '../../support/payment-test-app';

describe('payment-service refunds', () => {
  let app: PaymentTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startPaymentTestApp();
  });
  after(() => app?.close());
  beforeEach(() => peersUp(app));

  const post = poster(() => app);

  async function paid(amount: number) {
    const customer = await customerWithWallet(app);
    const res = await post(customer.token, '/v1/payments', {
      method: 'card',
      amount,
      currency: 'usd',
      account: customer.walletId,
      card: visa,
    });
    expect(res.body.status).to.equal('succeeded');
    return { ...customer, payment: res.body };
  }

  it('refunds in parts: wallet → clearing in the ledger, the provider pays out, amount_refunded grows', async () => {
    const { token, walletId, payment } = await paid(1000);
    const first = await post(token, '/v1/refunds', {
      payment: payment.id,
      amount: 300,
      reason: 'requested_by_customer',
    });
    expect(first.status).to.equal(201);
    expect(first.body).to.include({
      object: 'refund',
      status: 'succeeded',
      amount: 300,
      payment: payment.id,
      reason: 'requested_by_customer',
    });
    expect(first.body.id).to.match(/^re_[0-9A-Z]{26}$/);
    const rest = await post(token, '/v1/refunds', { payment: payment.id });
    expect(rest.body).to.include({ status: 'succeeded', amount: 700 });
    expect(app.peers.balance(walletId)).to.equal(0);
    const debit = app.peers.transfers.find((t) => t.idempotencyKey === `refund:${first.body.id}`)!;
    expect(debit.body).to.include({ from_account: walletId, amount: 300 });
    const after = await call(app.url, 'GET', `/v1/payments/${payment.id}`, { token });
    expect(after.body).to.include({ amount_refunded: 1000, status: 'succeeded' });
    const again = await post(token, '/v1/refunds', { payment: payment.id, amount: 1 });
    expect(again.status).to.equal(400);
    expect(again.body.error).to.include({ code: 'amount_too_large', param: 'amount' });
    const list = await call(app.url, 'GET', `/v1/refunds?payment=${payment.id}`, { token });
    expect(list.body.data.map((r: { id: string }) => r.id)).to.deep.equal([rest.body.id, first.body.id]);
    expect((await call(app.url, 'GET', `/v1/refunds/${first.body.id}`, { token })).body.amount).to.equal(300);
    await drainOutbox(app);
    expect(
      app.peers.events.filter((e) => e.type === 'refund.succeeded' && e.data.payment === payment.id),
    ).to.have.length(2);
  });

  it('never refunds more than was received, even with 20 partial refunds in parallel', async () => {
    const { token, walletId, payment } = await paid(1000);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => post(token, '/v1/refunds', { payment: payment.id, amount: 60 })),
    );
    const succeeded = results.filter((r) => r.status === 201);
    expect(succeeded).to.have.length(16); // 16 × 60 = 960 ≤ 1000 < 17 × 60
    expect(results.filter((r) => r.status === 400).every((r) => r.body.error.code === 'amount_too_large')).to.equal(
      true,
    );
    expect(results.every((r) => r.status === 201 || r.status === 400)).to.equal(true);
    expect(app.peers.balance(walletId)).to.equal(1000 - 960);
    const row = await app.db.knex('payments').where({ id: payment.id }).first();
    expect(Number(row.amount_refunded)).to.equal(960);
    const sum = await app.db
      .knex('refunds')
      .where({ payment_id: payment.id, status: 'succeeded' })
      .sum<{ s: string }[]>('amount as s');
    expect(Number(sum[0]!.s)).to.equal(960);
  });

  it('answers 402 insufficient_funds when the wallet no longer holds the money, and moves nothing', async () => {
    const { token, walletId, payment } = await paid(500);
    app.peers.balances.set(walletId, 100); // spent elsewhere
    const res = await post(token, '/v1/refunds', { payment: payment.id, amount: 200 });
    expect(res.status).to.equal(402);
    expect(res.body.error).to.include({ code: 'insufficient_funds', param: 'amount' });
    expect(app.peers.balance(walletId)).to.equal(100);
    const row = await app.db.knex('payments').where({ id: payment.id }).first();
    expect(Number(row.amount_refunded)).to.equal(0);
    expect((await app.db.knex('refunds').where({ payment_id: payment.id }).first()).status).to.equal('failed');
    expect((await post(token, '/v1/refunds', { payment: payment.id, amount: 100 })).status).to.equal(201);
  });

  it('replays a refund for the same Idempotency-Key, and 422 for a different body', async () => {
    const { token, payment } = await paid(500);
    const key = `same-refund-${payment.id}`;
    const first = await post(token, '/v1/refunds', { payment: payment.id, amount: 100 }, key);
    const replay = await post(token, '/v1/refunds', { payment: payment.id, amount: 100 }, key);
    expect(replay.body.id).to.equal(first.body.id);
    expect(replay.headers.get('idempotent-replayed')).to.equal('true');
    const other = await post(token, '/v1/refunds', { payment: payment.id, amount: 200 }, key);
    expect(other.status).to.equal(422);
    expect(
      await app.db
        .knex('refunds')
        .where({ payment_id: payment.id })
        .count<{ c: number }[]>('* as c')
        .then((r) => Number(r[0]!.c)),
    ).to.equal(1);
  });

  it('finishes a refund later when the ledger is down, exactly once', async () => {
    const { token, walletId, payment } = await paid(800);
    app.peers.transfersDown = true;
    const res = await post(token, '/v1/refunds', { payment: payment.id, amount: 800 });
    expect(res.status).to.equal(201);
    expect(res.body.status).to.equal('pending');
    app.peers.transfersDown = false;
    await app.db.knex('refunds').where({ id: res.body.id }).update({ next_attempt_at: app.db.knex.fn.now() });
    await app.deps.refunds.workDue();
    await app.deps.refunds.workDue();
    expect((await call(app.url, 'GET', `/v1/refunds/${res.body.id}`, { token })).body.status).to.equal('succeeded');
    expect(app.peers.balance(walletId)).to.equal(0);
    expect(app.peers.transfers.filter((t) => t.idempotencyKey === `refund:${res.body.id}`)).to.have.length(1);
  });

  it('refuses refunds of unpaid, unknown or foreign payments, and bad input, naming the field', async () => {
    const { token, walletId, payment } = await paid(300);
    const mallory = await customerWithWallet(app);
    expect((await post(mallory.token, '/v1/refunds', { payment: payment.id })).status).to.equal(404);
    const manual = await post(token, '/v1/payments', {
      method: 'card',
      capture_method: 'manual',
      amount: 100,
      currency: 'usd',
      account: walletId,
      card: visa,
    });
    const unpaid = await post(token, '/v1/refunds', { payment: manual.body.id });
    expect(unpaid.status).to.equal(409);
    expect(unpaid.body.error.code).to.equal('payment_unexpected_state');
    const cases: [Record<string, unknown>, string][] = [
      [{ payment: 'pay_nope' }, 'payment'],
      [{ payment: payment.id, amount: 0 }, 'amount'],
      [{ payment: payment.id, amount: 1.5 }, 'amount'],
      [{ payment: payment.id, reason: 'bored' }, 'reason'],
      [{ payment: payment.id, extra: 1 }, 'extra'],
    ];
    for (const [body, param] of cases) {
      const res = await post(token, '/v1/refunds', body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error.param).to.equal(param);
    }
    expect((await post(token, '/v1/refunds', { payment: payment.id }, null)).body.error.code).to.equal(
      'idempotency_key_missing',
    );
  });

  it('publishes every payment and refund event with data its documented event schema accepts', async () => {
    const { token, walletId, payment } = await paid(900);
    const declined = await post(token, '/v1/payments', {
      method: 'card',
      amount: 100,
      currency: 'usd',
      account: walletId,
      card: { ...visa, number: '4000000000000002' },
    });
    const manual = await post(token, '/v1/payments', {
      method: 'card',
      capture_method: 'manual',
      amount: 100,
      currency: 'usd',
      account: walletId,
      card: visa,
    });
    await post(token, `/v1/payments/${manual.body.id}/cancel`, {}, null);
    await post(token, '/v1/refunds', { payment: payment.id, amount: 100 });
    app.peers.balances.set(walletId, 0);
    await post(token, '/v1/refunds', { payment: payment.id, amount: 100 }); // 402: refund.failed
    await drainOutbox(app);
    const ours = new Set([payment.id, declined.body.error.payment, manual.body.id]);
    const events = app.peers.events.filter((e) => ours.has(e.data.id as string) || ours.has(e.data.payment as string));
    expect(new Set(events.map((e) => e.type))).to.include.members([
      'payment.succeeded',
      'payment.failed',
      'payment.requires_capture',
      'payment.canceled',
      'refund.succeeded',
      'refund.failed',
    ]);
    for (const event of events) {
      const schema = paymentEventSchemas[event.type];
      expect(schema, event.type).to.not.equal(undefined);
      const parsed = schema!.safeParse(event.data);
      expect(parsed.success, `${event.type}: ${JSON.stringify(parsed.error?.issues)}`).to.equal(true);
    }
  });
});
