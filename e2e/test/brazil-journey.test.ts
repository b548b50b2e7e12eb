import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { call, launchBrowser } from '@micropay/platform/testing';
import { decodeQrPng } from '../../local/test/sandbox/support/decoders';
import { eventually, newCustomer, TEST_CARD, useE2eStack, type Customer, type E2eStack } from './support';

/**
 * Pix, boleto, manual capture and refunds through `npm start`: the gateway, payment-service, the
 * sandbox provider as its own process (paying as the payer's bank would, settling by signed
 * webhook) and the real ledger, which must verify clean at the end.
 */
describe('e2e: Pix, boleto, manual capture and refunds across the real processes', function () {
  this.timeout(240_000);
  const stack = useE2eStack();

  const pay = (s: E2eStack, who: Customer, body: Record<string, unknown>) =>
    call(s.gateway, 'POST', '/v1/payments', {
      token: who.token,
      body: { currency: 'brl', account: who.wallet, ...body },
      headers: { 'idempotency-key': randomUUID() },
    });
  const balance = async (s: E2eStack, who: Customer) =>
    (await call(s.gateway, 'GET', `/v1/accounts/${who.wallet}`, { token: who.token })).body;
  const settled = (s: E2eStack, who: Customer, id: string) =>
    eventually(async () => {
      const p = (await call(s.gateway, 'GET', `/v1/payments/${id}`, { token: who.token })).body;
      return p.status === 'succeeded' ? p : undefined;
    });

  it('a Pix paid by the payer through the sandbox ends succeeded, the wallet credited once', async () => {
    const ana = await newCustomer(stack(), 'pix', 'brl');
    const res = await pay(stack(), ana, { method: 'pix', amount: 1990 });
    expect(res.status).to.equal(201);
    const qr = res.body.next_action.pix_display_qr_code;
    const png = await fetch(qr.image_url_png);
    expect(png.headers.get('content-type')).to.equal('image/png');
    expect(decodeQrPng(Buffer.from(await png.arrayBuffer()))).to.equal(qr.data);
    const paid = await call(stack().gateway, 'POST', '/v1/sandbox/pix/pay', { body: { data: qr.data } });
    expect(paid.status).to.equal(200);
    expect((await call(stack().gateway, 'POST', '/v1/sandbox/pix/pay', { body: { data: qr.data } })).status).to.equal(
      409,
    );
    await settled(stack(), ana, res.body.id);
    expect(await balance(stack(), ana)).to.include({ balance: 1990, available: 1990 });
  });

  it('shows the hosted Pix page with a scannable QR code in a real browser', async function () {
    const browser = await launchBrowser();
    if (!browser) this.skip(); // launchBrowser says why (no Chromium on this machine)
    const ana = await newCustomer(stack(), 'pixpage', 'brl');
    const res = await pay(stack(), ana, { method: 'pix', amount: 1050 });
    const qr = res.body.next_action.pix_display_qr_code;
    try {
      const page = await browser!.newPage({ viewport: { width: 800, height: 1000 } });
      await page.goto(qr.hosted_instructions_url);
      const text = await page.textContent('body');
      expect(text).to.contain('R$').and.contain('10,50').and.contain(qr.data);
      const shot = await page.screenshot({ fullPage: true });
      expect(decodeQrPng(shot)).to.equal(qr.data);
    } finally {
      await browser!.close();
    }
  });

  it('a boleto paid by its linha digitável ends succeeded; it cannot be refunded', async () => {
    const bia = await newCustomer(stack(), 'boleto', 'brl');
    const res = await pay(stack(), bia, {
      method: 'boleto',
      amount: 5000,
      boleto: { tax_id: '11.222.333/0001-81', name: 'Bia Ltda' },
    });
    expect(res.status).to.equal(201);
    const { number, hosted_voucher_url } = res.body.next_action.boleto_display_details;
    const voucher = await fetch(hosted_voucher_url);
    expect(await voucher.text()).to.contain('<svg');
    expect((await call(stack().gateway, 'POST', '/v1/sandbox/boleto/pay', { body: { number } })).status).to.equal(200);
    await settled(stack(), bia, res.body.id);
    expect((await balance(stack(), bia)).balance).to.equal(5000);
    const refund = await call(stack().gateway, 'POST', '/v1/refunds', {
      token: bia.token,
      body: { payment: res.body.id },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(refund.body.error.code).to.equal('refund_unsupported');
  });

  it('authorises a card (a ledger hold), captures part, refunds part, and the ledger verifies clean', async () => {
    const caio = await newCustomer(stack(), 'manual', 'brl');
    const auth = await pay(stack(), caio, {
      method: 'card',
      capture_method: 'manual',
      amount: 10_000,
      card: TEST_CARD,
    });
    expect(auth.body).to.include({ status: 'requires_capture', amount_capturable: 10_000 });
    expect(await balance(stack(), caio)).to.include({ balance: 0, pending_credits: 10_000 });
    const capture = await call(stack().gateway, 'POST', `/v1/payments/${auth.body.id}/capture`, {
      token: caio.token,
      body: { amount_to_capture: 7_000 },
    });
    expect(capture.body).to.include({ status: 'succeeded', amount_received: 7_000 });
    expect(await balance(stack(), caio)).to.include({ balance: 7_000, pending_credits: 0 });
    const refund = await call(stack().gateway, 'POST', '/v1/refunds', {
      token: caio.token,
      body: { payment: auth.body.id, amount: 2_500 },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(refund.body).to.include({ status: 'succeeded', amount: 2_500 });
    expect((await balance(stack(), caio)).balance).to.equal(4_500);

    const auditor = await stack().serviceToken('payment-service', ['ledger:read']);
    const verify = await call(stack().gateway, 'GET', '/v1/ledger/verify', { token: auditor });
    expect(verify.status).to.equal(200);
    expect(verify.body).to.include({ ok: true });
    expect(verify.body.discrepancies).to.deep.equal([]);
  });
});
