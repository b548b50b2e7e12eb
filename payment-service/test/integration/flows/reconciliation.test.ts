import { expect } from 'chai';
import { call } from '@micropay/platform/testing';
import { customerWithWallet, startPaymentTestApp, visa, type PaymentTestApp } from '../../support/payment-test-app';

describe('payment-service reconciliation with the ledger', () => {
  let app: PaymentTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startPaymentTestApp();
  });
  after(() => app?.close());

  const pay = (token: string, walletId: string, amount: number) =>
    call(app.url, 'POST', '/v1/payments', {
      token,
      body: { method: 'card', amount, currency: 'usd', account: walletId, card: visa },
      headers: { 'idempotency-key': `rec-${walletId}-${amount}` },
    });

  it('finds nothing when payments and the ledger agree, and reports each kind of drift once', async () => {
    await app.deps.reconciliation.run(1000); // earlier payments of this database out of the way
    const { token, walletId } = await customerWithWallet(app);
    await pay(token, walletId, 100);
    await pay(token, walletId, 200);
    const clean = await app.deps.reconciliation.run();
    expect(clean.findings).to.deep.equal([]);
    expect(clean.checked).to.equal(2);

    // Drift: the ledger moved a different amount for one payment, and another lost its transfer.
    const third = (await pay(token, walletId, 300)).body;
    app.peers.transfers.find((t) => t.id === third.ledger_transfer)!.body.amount = 299;
    app.peers.transfers.find((t) => t.id === third.ledger_transfer)!.postedAmount = 299;
    const fourth = (await pay(token, walletId, 400)).body;
    await app.db
      .knex('payments')
      .where({ id: fourth.id })
      .update({ ledger_transfer_id: 'tr_00000000000000000000000000' });
    const drift = await app.deps.reconciliation.run();
    expect(drift.findings.map((f) => [f.subject, f.kind])).to.deep.equal([
      [third.id, 'amount_mismatch'],
      [fourth.id, 'missing_transfer'],
    ]);
    const metrics = (await call(app.url, 'GET', '/metrics')).text;
    expect(metrics).to.match(/^reconciliation_mismatches\{[^}]*\} 2$/m);
    // Checked once: the next run does not report them again (they are in the findings table).
    expect((await app.deps.reconciliation.run()).findings).to.deep.equal([]);
    expect((await app.deps.reconciliationStore.recentFindings(10)).map((f) => f.subject)).to.include.members([
      third.id,
      fourth.id,
    ]);
  });

  it('lets only admins run it over HTTP', async () => {
    const { token } = await customerWithWallet(app);
    expect((await call(app.url, 'POST', '/v1/reconciliation/runs', { token, body: {} })).status).to.equal(403);
    const admin = await app.issuer.userToken('usr_ADMIN', { groups: ['admin'] });
    const res = await call(app.url, 'POST', '/v1/reconciliation/runs', { token: admin, body: {} });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ object: 'reconciliation' });
    expect(res.body.recent_findings).to.be.an('array');
  });
});
