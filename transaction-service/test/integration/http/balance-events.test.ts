import { expect } from 'chai';
import { call } from '@micropay/platform/testing';
import { AccountEventData } from '../../../src/http/event-schemas';
import { fundedWallet, startLedgerTestApp, type LedgerTestApp } from '../../support/ledger-test-app';

describe('account.balance_changed events (outbox)', () => {
  let app: LedgerTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startLedgerTestApp();
  });
  after(() => app?.close());

  const eventsFor = async (accountId: string) =>
    (await app.db.knex('outbox').where({ type: 'account.balance_changed' }).orderBy('created_at'))
      .map((row: { payload: { data: Record<string, unknown> } }) => row.payload)
      .filter((event) => event.data.id === accountId);

  it("writes one event per wallet movement, with the wallet as the API shows it, in the transfer's transaction", async () => {
    const payer = await fundedWallet(app, 1000);
    const payee = await fundedWallet(app, 0);
    const res = await call(app.url, 'POST', '/v1/transfers', {
      token: payer.token,
      body: { from_account: payer.wallet.id, to_account: payee.wallet.id, amount: 300, currency: 'usd' },
      headers: { 'idempotency-key': `bal-${payer.wallet.id}` },
    });
    expect(res.status).to.equal(201);

    const payerEvents = await eventsFor(payer.wallet.id);
    expect(payerEvents.map((e) => e.data.balance)).to.deep.equal([1000, 700]); // funding, then the transfer
    const [payeeEvent] = await eventsFor(payee.wallet.id);
    expect(payeeEvent!.data).to.include({ owner: payee.userId, balance: 300, available: 300, type: 'wallet' });
    expect(AccountEventData.safeParse(payeeEvent!.data).success).to.equal(true);
  });

  it('writes nothing when the transfer is refused', async () => {
    const payer = await fundedWallet(app, 100);
    const payee = await fundedWallet(app, 0);
    const res = await call(app.url, 'POST', '/v1/transfers', {
      token: payer.token,
      body: { from_account: payer.wallet.id, to_account: payee.wallet.id, amount: 500, currency: 'usd' },
      headers: { 'idempotency-key': `bal-refused-${payer.wallet.id}` },
    });
    expect(res.status).to.equal(402);
    expect(await eventsFor(payee.wallet.id)).to.have.length(0);
    expect(await eventsFor(payer.wallet.id)).to.have.length(1); // its funding only
  });
});
