import { expect } from 'chai';
import { call } from '@micropay/platform/testing';
import {
  balanceOf,
  ledgerClient,
  newUserId,
  startLedgerTestApp,
  transfer,
  verify,
  type LedgerTestApp,
} from '../../support/ledger-test-app';

const MAX = Number.MAX_SAFE_INTEGER;

describe('transaction-service balance limits (±2^53−1 minor units)', () => {
  let app: LedgerTestApp;
  let client: string;
  before(async function () {
    this.timeout(60_000);
    app = await startLedgerTestApp();
    client = await ledgerClient(app);
  });
  after(() => app?.close());

  let codes = 0;
  const systemAccount = async (currency: string) =>
    (
      await call(app.url, 'POST', '/v1/system-accounts', {
        token: client,
        body: { code: `limits:s${(codes += 1)}`, currency },
      })
    ).body.id as string;
  const wallet = async (currency: string) => {
    const token = await app.issuer.userToken(newUserId());
    return (await call(app.url, 'POST', '/v1/accounts', { token, body: { currency } })).body.id as string;
  };
  const move = (from: string, to: string, amount: number, currency: string, extra: Record<string, unknown> = {}) =>
    transfer(app, client, { from_account: from, to_account: to, amount, currency, ...extra });
  const transferCount = async () => Number((await app.db.knex('transfers').count({ n: '*' }).first())!.n);

  function expectRefused(res: Awaited<ReturnType<typeof move>>, param: string, account: string, field: string) {
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.error).to.include({ code: 'balance_limit_exceeded', param, account, field });
    expect(res.body.error.message).to.include(field);
  }

  it('refuses a credit that would take a balance past 2^53−1, and writes nothing', async () => {
    const [clearing, fees] = [await systemAccount('jpy'), await systemAccount('jpy')];
    const rich = await wallet('jpy');
    expect((await move(clearing, rich, MAX, 'jpy')).status).to.equal(201);
    const before = await transferCount();

    expectRefused(await move(fees, rich, 1, 'jpy'), 'to_account', rich, 'balance');

    expect(await transferCount()).to.equal(before);
    expect(await balanceOf(app, rich)).to.include({ balance: MAX, available: MAX });
    expect(await balanceOf(app, fees)).to.include({ balance: 0 });
  });

  it("refuses a debit that would take a system account's negative balance past −(2^53−1)", async () => {
    const clearing = await systemAccount('jpy');
    await move(clearing, await wallet('jpy'), MAX, 'jpy');
    const other = await wallet('jpy');
    const before = await transferCount();

    expectRefused(await move(clearing, other, 1, 'jpy'), 'from_account', clearing, 'balance');

    expect(await transferCount()).to.equal(before);
    expect(await balanceOf(app, clearing)).to.include({ balance: -MAX });
    expect(await balanceOf(app, other)).to.include({ balance: 0 });
  });

  it('refuses holds that would take pending_credits or pending_debits past the limit', async () => {
    const [holder, second, payee] = [await systemAccount('gbp'), await systemAccount('gbp'), await wallet('gbp')];
    const big = await move(holder, payee, MAX - 5, 'gbp', { pending: true });
    expect(big.status, JSON.stringify(big.body)).to.equal(201);
    const before = await transferCount();

    expectRefused(await move(second, payee, 10, 'gbp', { pending: true }), 'to_account', payee, 'pending_credits');
    expectRefused(
      await move(holder, await wallet('gbp'), 10, 'gbp', { pending: true }),
      'from_account',
      holder,
      'pending_debits',
    );

    expect(await transferCount()).to.equal(before);
    expect(await balanceOf(app, payee)).to.include({ balance: 0, pending_credits: MAX - 5 });
    expect(await balanceOf(app, second)).to.include({ pending_debits: 0 });
    expect((await call(app.url, 'POST', `/v1/transfers/${big.body.id}/void`, { token: client })).status).to.equal(200);
  });

  it('refuses to post a hold that would take the payee past the limit; the hold stays pending and a smaller post works', async () => {
    const [funder, holder, payee] = [await systemAccount('chf'), await systemAccount('chf'), await wallet('chf')];
    await move(funder, payee, MAX - 10, 'chf');
    const hold = await move(holder, payee, 100, 'chf', { pending: true });
    expect(hold.status).to.equal(201);

    const tooMuch = await call(app.url, 'POST', `/v1/transfers/${hold.body.id}/post`, { token: client });
    expectRefused(tooMuch, 'to_account', payee, 'balance');
    expect((await call(app.url, 'GET', `/v1/transfers/${hold.body.id}`, { token: client })).body).to.include({
      status: 'pending',
    });
    expect(await balanceOf(app, payee)).to.include({ balance: MAX - 10, pending_credits: 100 });

    const fits = await call(app.url, 'POST', `/v1/transfers/${hold.body.id}/post`, {
      token: client,
      body: { amount: 10 },
    });
    expect(fits.status, JSON.stringify(fits.body)).to.equal(200);
    expect(await balanceOf(app, payee)).to.include({ balance: MAX, pending_credits: 0 });
    expect((await verify(app)).discrepancies).to.deep.equal([]);
  });

  it('verifies a ledger whose pending total over many accounts passes 2^53−1, exactly, as a decimal string', async () => {
    const payees = [await wallet('sek'), await wallet('sek')];
    const holds = [];
    for (const payee of payees) {
      const hold = await move(await systemAccount('sek'), payee, MAX - 1, 'sek', { pending: true });
      expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
      holds.push(hold.body.id as string);
    }

    const report = await verify(app);
    expect(report.discrepancies).to.deep.equal([]);
    const total = (2n * BigInt(MAX - 1)).toString();
    expect(report.currencies.find((c) => c.currency === 'sek')).to.include({
      balance_total: 0,
      pending_debits_total: total,
      pending_credits_total: total,
      ok: true,
    });

    for (const id of holds)
      expect((await call(app.url, 'POST', `/v1/transfers/${id}/void`, { token: client })).status).to.equal(200);
    expect((await verify(app)).currencies.find((c) => c.currency === 'sek')).to.include({ pending_debits_total: 0 });
  });

  it('documents balance_limit_exceeded on the transfer and post routes', async () => {
    const doc = (await call(app.url, 'GET', '/openapi.json')).body;
    for (const path of ['/v1/transfers', '/v1/transfers/{id}/post']) {
      expect(JSON.stringify(doc.paths[path].post.responses['422']), path).to.include('balance_limit_exceeded');
    }
  });
});
