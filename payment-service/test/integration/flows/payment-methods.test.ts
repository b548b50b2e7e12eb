import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { call } from '@micropay/platform/testing';
import { signSandboxPayload } from '../../../../local/src/sandbox/signature';
import { SIGNATURE_TOLERANCE_SECONDS } from '../../../src/adapters/sandbox-signature';
import {
  customerWithWallet,
  drainOutbox,
  SANDBOX_WEBHOOK_SECRET,
  peersUp,
  poster,
  startPaymentTestApp,
  visa,
  type PaymentTestApp,
} from '../../support/payment-test-app';

const CPF = '111.444.777-35';

describe('payment-service: Pix, boleto, manual capture, provider webhooks', () => {
  let app: PaymentTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startPaymentTestApp();
  });
  after(() => app?.close());
  beforeEach(() => peersUp(app));

  const post = poster(() => app);
  const get = async (token: string, id: string) => (await call(app.url, 'GET', `/v1/payments/${id}`, { token })).body;

  /** Waits until the sandbox's webhooks for the payment have arrived, then applies them. */
  async function settleWebhooks(paymentId: string, count = 1) {
    for (let i = 0; i < 100; i += 1) {
      const n = await app.db.knex('provider_events').where({ payment_id: paymentId }).count<{ c: number }[]>('* as c');
      if (Number(n[0]!.c) >= count) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    while (await app.deps.webhooks.processPending());
  }

  const sendWebhook = (
    event: Record<string, unknown>,
    options: { secret?: string; timestamp?: number; header?: string } = {},
  ) => {
    const raw = JSON.stringify(event);
    const t = options.timestamp ?? Math.floor(Date.now() / 1000);
    const signature = options.header ?? signSandboxPayload(options.secret ?? SANDBOX_WEBHOOK_SECRET, raw, t);
    return call(app.url, 'POST', '/v1/provider-webhooks/sandbox', {
      rawBody: raw,
      headers: { 'content-type': 'application/json', 'sandbox-signature': signature },
    });
  };
  const paidEvent = (paymentId: string, amount: number, id = `evt_sbx_test_${randomUUID()}`) => ({
    id,
    type: 'payment.paid',
    created: Math.floor(Date.now() / 1000),
    data: {
      payment_id: paymentId,
      provider_payment_id: `sbx_pix_${paymentId}`,
      amount,
      occurred_at: new Date().toISOString(),
    },
  });

  async function pix(amount = 1050, extra: Record<string, unknown> = {}) {
    const customer = await customerWithWallet(app, 'brl');
    const res = await post(customer.token, '/v1/payments', {
      method: 'pix',
      amount,
      currency: 'brl',
      account: customer.walletId,
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return { ...customer, payment: res.body };
  }

  it('Pix: requires_action with a BR Code, QR image and hosted page; paid through the sandbox, the wallet is credited once', async () => {
    const { token, walletId, payment } = await pix(1050, { pix: { expires_after_seconds: 600 } });
    expect(payment).to.include({ status: 'requires_action', amount_received: 0, method: 'pix' });
    const qr = payment.next_action.pix_display_qr_code;
    expect(payment.next_action.type).to.equal('pix_display_qr_code');
    expect(qr.data)
      .to.match(/^000201/)
      .and.contain('br.gov.bcb.pix')
      .and.contain('540510.50');
    expect(qr.image_url_png).to.match(/\/v1\/sandbox\/pix\/sbx_pix_\w+\/qr\.png$/);
    expect(Date.parse(qr.expires_at) - Date.parse(payment.created_at)).to.be.closeTo(600_000, 2000);

    const paid = await call(app.sandbox.url, 'POST', '/v1/sandbox/pix/pay', { body: { data: qr.data } });
    expect(paid.status).to.equal(200);
    const again = await call(app.sandbox.url, 'POST', '/v1/sandbox/pix/pay', { body: { data: qr.data } });
    expect(again.status).to.equal(409);
    await settleWebhooks(payment.id);
    const done = await get(token, payment.id);
    expect(done).to.include({ status: 'succeeded', amount_received: 1050, next_action: null });
    expect(app.peers.balance(walletId)).to.equal(1050);
    await drainOutbox(app);
    const types = app.peers.events.filter((e) => e.data.id === payment.id).map((e) => e.type);
    expect(types).to.deep.equal(['payment.requires_action', 'payment.processing', 'payment.succeeded']);
  });

  it('applies a settlement webhook delivered five times, or out of order with an expiry, exactly once', async () => {
    const { token, walletId, payment } = await pix(2000);
    const event = paidEvent(payment.id, 2000);
    const answers = await Promise.all(Array.from({ length: 5 }, () => sendWebhook(event)));
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.duplicate === false)).to.have.length(1);
    // A later (stale) expiry and another delivery of the same settlement under a new id.
    await sendWebhook({ ...event, id: `${event.id}_expired`, type: 'payment.expired' });
    await sendWebhook({ ...event, id: `${event.id}_again` });
    while (await app.deps.webhooks.processPending());
    expect(await get(token, payment.id)).to.include({ status: 'succeeded', amount_received: 2000 });
    expect(app.peers.balance(walletId)).to.equal(2000);
    expect(app.peers.transfers.filter((t) => t.body.to_account === walletId)).to.have.length(1);
    const outcomes = await app.db
      .knex('provider_events')
      .where({ payment_id: payment.id })
      .orderBy('received_at')
      .pluck('outcome');
    expect(outcomes).to.have.members(['applied', 'stale', 'duplicate']);
  });

  it('refuses a webhook that is unsigned, wrongly signed, stale or from the future, and changes nothing', async () => {
    const { token, payment } = await pix(300);
    const event = paidEvent(payment.id, 300);
    // Beyond the tolerance by a margin: the server reads its clock a moment later than this test
    // (a timestamp 301 s ahead was 300 s ahead, and accepted, when a second ticked in between).
    const outside = SIGNATURE_TOLERANCE_SECONDS + 5;
    const now = () => Math.floor(Date.now() / 1000);
    const cases = [
      await sendWebhook(event, { header: '' }),
      await sendWebhook(event, { secret: 'x'.repeat(40) }),
      await sendWebhook(event, { timestamp: now() - outside }),
      await sendWebhook(event, { timestamp: now() + outside }),
      await sendWebhook(event, { header: 't=abc,v1=zz' }),
    ];
    for (const res of cases) {
      expect(res.status).to.equal(400);
      expect(res.body.error).to.include({ code: 'webhook_signature_invalid', param: 'Sandbox-Signature' });
    }
    expect(await app.db.knex('provider_events').where({ payment_id: payment.id }).first()).to.equal(undefined);
    expect((await get(token, payment.id)).status).to.equal('requires_action');
  });

  it('cancels an unpaid Pix as expired after expires_at, and the sandbox then refuses to take it', async () => {
    const { token, walletId, payment } = await pix(500, { pix: { expires_after_seconds: 10 } });
    const data = payment.next_action.pix_display_qr_code.data;
    const past = new Date(Date.now() - 1000);
    await app.db.knex('payments').where({ id: payment.id }).update({ expires_at: past });
    app.sandbox.state.charges.get(payment.id)!.expiresAt = past.toISOString();
    await app.deps.payments.expireDue();
    expect(await get(token, payment.id)).to.include({
      status: 'canceled',
      cancellation_reason: 'expired',
      next_action: null,
    });
    const late = await call(app.sandbox.url, 'POST', '/v1/sandbox/pix/pay', { body: { data } });
    expect(late.status).to.equal(410);
    // A settlement arriving anyway is recorded and flagged, never applied backwards.
    await sendWebhook(paidEvent(payment.id, 500));
    while (await app.deps.webhooks.processPending());
    expect((await get(token, payment.id)).status).to.equal('canceled');
    expect(app.peers.balance(walletId)).to.equal(0);
    expect(await app.db.knex('provider_events').where({ payment_id: payment.id }).pluck('outcome')).to.deep.equal([
      'paid_after_end',
    ]);
  });

  it('Boleto: a valid barcode and linha digitável, paid through the sandbox, credited once; refunds refused', async () => {
    const customer = await customerWithWallet(app, 'brl');
    const res = await post(customer.token, '/v1/payments', {
      method: 'boleto',
      amount: 12345,
      currency: 'brl',
      account: customer.walletId,
      boleto: { tax_id: CPF, name: 'Ana Souza', email: 'ana@example.com', expires_after_days: 5 },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const details = res.body.next_action.boleto_display_details;
    expect(details.number).to.match(/^\d{47}$/);
    expect(details.barcode).to.match(/^\d{44}$/);
    expect(details.barcode.slice(9, 19)).to.equal('0000012345');
    expect(res.body.boleto).to.include({ tax_id: '***.444.777-**', tax_id_type: 'cpf', name: 'Ana Souza' });
    expect(details.expires_at).to.match(/T02:59:00\.000Z$/); // 23:59 in São Paulo
    const formatted = `${details.number.slice(0, 5)}.${details.number.slice(5, 10)} ${details.number.slice(10)}`;
    expect(
      (await call(app.sandbox.url, 'POST', '/v1/sandbox/boleto/pay', { body: { number: formatted } })).status,
    ).to.equal(200);
    await settleWebhooks(res.body.id);
    expect(await get(customer.token, res.body.id)).to.include({ status: 'succeeded', amount_received: 12345 });
    expect(app.peers.balance(customer.walletId)).to.equal(12345);
    const refund = await post(customer.token, '/v1/refunds', { payment: res.body.id });
    expect(refund.status).to.equal(400);
    expect(refund.body.error.code).to.equal('refund_unsupported');
  });

  it('refuses bad Pix and boleto input with 400 naming the field, before anything is issued', async () => {
    const { token, walletId } = await customerWithWallet(app, 'brl');
    const before = app.sandbox.state.charges.size;
    const base = { amount: 100, currency: 'brl', account: walletId };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, method: 'pix', currency: 'usd' }, 'currency'],
      [{ ...base, method: 'pix', pix: { expires_after_seconds: 9 } }, 'pix.expires_after_seconds'],
      [{ ...base, method: 'pix', pix: { expires_after_seconds: 1_209_601 } }, 'pix.expires_after_seconds'],
      [{ ...base, method: 'boleto', boleto: { tax_id: '111.444.777-36', name: 'A' } }, 'boleto.tax_id'],
      [{ ...base, method: 'boleto', boleto: { tax_id: '11111111111', name: 'A' } }, 'boleto.tax_id'],
      [
        { ...base, method: 'boleto', boleto: { tax_id: CPF, name: 'A', expires_after_days: 61 } },
        'boleto.expires_after_days',
      ],
      [{ ...base, method: 'boleto', boleto: { tax_id: CPF } }, 'boleto.name'],
      [{ ...base, method: 'boleto', amount: 10_000_000_000, boleto: { tax_id: CPF, name: 'A' } }, 'amount'],
      [{ ...base, method: 'card', amount: Number.MAX_SAFE_INTEGER, card: visa }, 'amount'],
    ];
    for (const [body, param] of cases) {
      const res = await post(token, '/v1/payments', body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error.param, JSON.stringify(body)).to.equal(param);
    }
    expect(app.sandbox.state.charges.size).to.equal(before);
  });

  it('answers 503 for a Pix while the provider is down; a retry with the same key gets the code', async () => {
    const { token, walletId } = await customerWithWallet(app, 'brl');
    const body = { method: 'pix', amount: 700, currency: 'brl', account: walletId };
    app.sandbox.down = true;
    const down = await post(token, '/v1/payments', body, `pix-down-${walletId}`);
    expect(down.status).to.equal(503);
    app.sandbox.down = false;
    const retried = await post(token, '/v1/payments', body, `pix-down-${walletId}`);
    expect(retried.status).to.equal(201);
    expect(retried.body.next_action.type).to.equal('pix_display_qr_code');
    expect(await app.db.knex('payments').where({ account_id: walletId }).pluck('id')).to.deep.equal([retried.body.id]);
  });

  it('fails a Pix the provider refuses to issue, saying why, instead of answering 503', async () => {
    const { token, walletId } = await customerWithWallet(app, 'brl');
    app.sandbox.refusing = true;
    const res = await post(token, '/v1/payments', { method: 'pix', amount: 800, currency: 'brl', account: walletId });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ status: 'failed', failure_code: 'merchant_blocked', next_action: null });
    expect(app.peers.balance(walletId)).to.equal(0);
  });

  it('fails a card payment whose authorisation never reached the provider, after asking it (recovery)', async () => {
    const { token, walletId } = await customerWithWallet(app);
    app.sandbox.down = true;
    const res = await post(token, '/v1/payments', {
      method: 'card',
      amount: 400,
      currency: 'usd',
      account: walletId,
      card: visa,
    });
    expect(res.status).to.equal(201);
    expect(res.body.status).to.equal('processing');
    app.sandbox.down = false;
    await app.db.knex('payments').where({ id: res.body.id }).update({ next_attempt_at: app.db.knex.fn.now() });
    await app.deps.payments.workDue();
    expect(await get(token, res.body.id)).to.include({ status: 'failed', failure_code: 'provider_unavailable' });
    // The provider now refuses the original authorisation, should it still arrive.
    const late = await call(app.sandbox.url, 'POST', '/v1/charges', {
      headers: { authorization: 'Bearer sk_sandbox_test_0123456789' },
      body: { payment_id: res.body.id, amount: 400, currency: 'usd', card: visa, capture: true },
    });
    expect(late.status).to.equal(409);
    expect(app.peers.balance(walletId)).to.equal(0);
  });

  describe('manual capture', () => {
    async function authorized(amount = 1000) {
      const customer = await customerWithWallet(app);
      const res = await post(customer.token, '/v1/payments', {
        method: 'card',
        capture_method: 'manual',
        amount,
        currency: 'usd',
        account: customer.walletId,
        card: visa,
      });
      expect(res.status).to.equal(201);
      return { ...customer, payment: res.body };
    }

    it('holds the amount in the ledger, captures part of it once, and releases the rest', async () => {
      const { token, walletId, payment } = await authorized(1000);
      expect(payment).to.include({ status: 'requires_capture', amount_capturable: 1000, amount_received: 0 });
      const hold = app.peers.transfers.find((t) => t.body.to_account === walletId)!;
      expect(hold).to.include({ status: 'pending' });
      expect(app.peers.balance(walletId)).to.equal(0);
      const captured = await post(token, `/v1/payments/${payment.id}/capture`, { amount_to_capture: 600 }, null);
      expect(captured.status).to.equal(200);
      expect(captured.body).to.include({ status: 'succeeded', amount_received: 600, amount_capturable: 0 });
      expect(hold).to.include({ status: 'posted', postedAmount: 600 });
      expect(app.peers.balance(walletId)).to.equal(600);
      const second = await post(token, `/v1/payments/${payment.id}/capture`, {}, null);
      expect(second.status).to.equal(409);
      expect(second.body.error.code).to.equal('payment_unexpected_state');
      expect((await post(token, `/v1/payments/${payment.id}/cancel`, {}, null)).status).to.equal(409);
    });

    it('refuses capturing more than authorised, with 400 naming amount_to_capture', async () => {
      const { token, payment } = await authorized(500);
      const res = await post(token, `/v1/payments/${payment.id}/capture`, { amount_to_capture: 501 }, null);
      expect(res.status).to.equal(400);
      expect(res.body.error).to.include({ code: 'amount_too_large', param: 'amount_to_capture' });
      expect((await get(token, payment.id)).status).to.equal('requires_capture');
    });

    it('lets exactly one of a racing capture and cancel win', async () => {
      for (let round = 0; round < 5; round += 1) {
        const { token, walletId, payment } = await authorized(300);
        const [capture, cancel] = await Promise.all([
          post(token, `/v1/payments/${payment.id}/capture`, {}, null),
          post(token, `/v1/payments/${payment.id}/cancel`, {}, null),
        ]);
        expect([capture.status, cancel.status].sort()).to.deep.equal([200, 409]);
        const final = await get(token, payment.id);
        const hold = app.peers.transfers.find((t) => t.body.to_account === walletId)!;
        if (capture.status === 200) {
          expect(final.status).to.equal('succeeded');
          expect(hold.status).to.equal('posted');
          expect(app.peers.balance(walletId)).to.equal(300);
        } else {
          expect(final).to.include({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
          expect(hold.status).to.equal('voided');
          expect(app.peers.balance(walletId)).to.equal(0);
        }
      }
    });

    it('releases an authorisation nobody captured once it expires', async () => {
      const { token, walletId, payment } = await authorized(800);
      await app.db
        .knex('payments')
        .where({ id: payment.id })
        .update({ expires_at: new Date(Date.now() - 1000) });
      expect((await post(token, `/v1/payments/${payment.id}/capture`, {}, null)).status).to.equal(409);
      await app.deps.payments.expireDue();
      expect(await get(token, payment.id)).to.include({ status: 'canceled', cancellation_reason: 'expired' });
      expect(app.peers.transfers.find((t) => t.body.to_account === walletId)!.status).to.equal('voided');
      expect(app.sandbox.state.charges.get(payment.id)!.state).to.equal('canceled');
    });
  });
});
