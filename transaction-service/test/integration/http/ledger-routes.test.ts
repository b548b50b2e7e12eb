import { expect } from 'chai';
import { call } from '@micropay/platform/testing';
import {
  fundedWallet,
  ledgerClient,
  newUserId,
  startLedgerTestApp,
  transfer,
  verify,
  type LedgerTestApp,
} from '../../support/ledger-test-app';

describe('transaction-service GET /v1/ledger/verify', () => {
  let app: LedgerTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startLedgerTestApp();
  });
  after(() => app?.close());

  it('reports a clean ledger with per-currency totals', async () => {
    const alice = await fundedWallet(app, 1000);
    const bob = await fundedWallet(app, 0);
    await transfer(app, alice.token, {
      from_account: alice.wallet.id,
      to_account: bob.wallet.id,
      amount: 300,
      currency: 'usd',
    });
    await transfer(app, alice.token, {
      from_account: alice.wallet.id,
      to_account: bob.wallet.id,
      amount: 200,
      currency: 'usd',
      pending: true,
    });
    await fundedWallet(app, 50, 'brl');
    const report = await verify(app);
    expect(report).to.include({ ok: true });
    expect(report.discrepancies).to.deep.equal([]);
    const usd = report.currencies.find((c) => c.currency === 'usd');
    expect(usd).to.include({ balance_total: 0, pending_debits_total: 200, pending_credits_total: 200, ok: true });
    expect(report.currencies.map((c) => c.currency)).to.include('brl');
  });

  it('is for admins and ledger:read clients only', async () => {
    const admin = await app.issuer.userToken(newUserId(), { groups: ['admin'] });
    expect((await call(app.url, 'GET', '/v1/ledger/verify', { token: admin })).status).to.equal(200);
    const customer = await app.issuer.userToken(newUserId());
    expect((await call(app.url, 'GET', '/v1/ledger/verify', { token: customer })).status).to.equal(403);
    const writer = await app.issuer.clientToken('payment-service', ['ledger:write']);
    expect((await call(app.url, 'GET', '/v1/ledger/verify', { token: writer })).status).to.equal(403);
    expect((await call(app.url, 'GET', '/v1/ledger/verify')).status).to.equal(401);
  });

  it('reports every discrepancy when the books are tampered with behind the ledger', async () => {
    const alice = await fundedWallet(app, 100, 'eur');
    const bob = await fundedWallet(app, 100, 'eur');
    // Simulate what a bug or a manual fix could do: balances edited without a transfer.
    await app.db.knex('accounts').where({ id: alice.wallet.id }).update({ balance: 130 });
    await app.db.knex('accounts').where({ id: bob.wallet.id }).update({ pending_credits: 5 });
    try {
      const report = await verify(app);
      expect(report.ok).to.equal(false);
      const found = report.discrepancies.map((d) => {
        const { check, account, expected, actual } = d as Record<string, unknown>;
        return { check, account, expected, actual };
      });
      expect(found).to.deep.include.members([
        { check: 'currency_balance_sum', account: undefined, expected: 0, actual: 30 },
        { check: 'currency_pending_sum', account: undefined, expected: 0, actual: 5 },
        { check: 'account_balance', account: alice.wallet.id, expected: 100, actual: 130 },
        { check: 'account_pending_credits', account: bob.wallet.id, expected: 0, actual: 5 },
      ]);
      expect(report.currencies.find((c) => c.currency === 'eur')).to.include({ ok: false });
      expect(report.currencies.find((c) => c.currency === 'usd')).to.include({ ok: true });
    } finally {
      await app.db.knex('accounts').where({ id: alice.wallet.id }).update({ balance: 100 });
      await app.db.knex('accounts').where({ id: bob.wallet.id }).update({ pending_credits: 0 });
    }
    expect((await verify(app)).ok).to.equal(true);
  });
});

describe('transaction-service GET /v1/accounts/:id/transfers', () => {
  let app: LedgerTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startLedgerTestApp();
  });
  after(() => app?.close());

  it("pages through both sides of an account's history, newest first, in both directions", async () => {
    const alice = await fundedWallet(app, 1000);
    const bob = await fundedWallet(app, 1000);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const [from, to] = i % 2 ? [bob, alice] : [alice, bob];
      ids.push(
        (
          await transfer(app, from.token, {
            from_account: from.wallet.id,
            to_account: to.wallet.id,
            amount: 10 + i,
            currency: 'usd',
            pending: i === 4,
          })
        ).body.id,
      );
    }
    const newest = [...ids].reverse();
    const path = `/v1/accounts/${alice.wallet.id}/transfers`;
    const first = await call(app.url, 'GET', `${path}?limit=2`, { token: alice.token });
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ object: 'list', has_more: true });
    expect(first.body.data.map((t: { id: string }) => t.id)).to.deep.equal(newest.slice(0, 2));
    expect(first.body.data[0]).to.include({ status: 'pending' });
    const second = await call(app.url, 'GET', `${path}?limit=2&starting_after=${newest[1]}`, { token: alice.token });
    expect(second.body.data.map((t: { id: string }) => t.id)).to.deep.equal(newest.slice(2, 4));
    // The funding transfer is the oldest entry of Alice's history.
    const rest = await call(app.url, 'GET', `${path}?limit=10&starting_after=${newest[3]}`, { token: alice.token });
    expect(rest.body.data.map((t: { id: string }) => t.id)).to.deep.equal([newest[4], rest.body.data[1].id]);
    expect(rest.body.has_more).to.equal(false);
    const back = await call(app.url, 'GET', `${path}?limit=2&ending_before=${newest[3]}`, { token: alice.token });
    expect(back.body.data.map((t: { id: string }) => t.id)).to.deep.equal(newest.slice(1, 3));
    expect(back.body.has_more).to.equal(true);
  });

  it("answers 404 for someone else's account, and lets ledger:read clients read any", async () => {
    const alice = await fundedWallet(app, 10);
    const stranger = await app.issuer.userToken(newUserId());
    const res = await call(app.url, 'GET', `/v1/accounts/${alice.wallet.id}/transfers`, { token: stranger });
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('account_not_found');
    const client = await ledgerClient(app);
    expect(
      (await call(app.url, 'GET', `/v1/accounts/${alice.wallet.id}/transfers`, { token: client })).body.data,
    ).to.have.length(1);
  });

  it('validates the cursor and limit', async () => {
    const alice = await fundedWallet(app, 0);
    const [older, newer] = ['tr_01JD3M5Q8Z6Y7X2W1V0T9S8R7Q', 'tr_01JD3M5Q8Z6Y7X2W1V0T9S8R7R'];
    const cases: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['starting_after=acct_01JD3M5Q8Z6Y7X2W1V0T9S8R7Q', 'starting_after'],
      [`starting_after=${older}&ending_before=${newer}`, 'ending_before'],
    ];
    for (const [q, param] of cases) {
      const res = await call(app.url, 'GET', `/v1/accounts/${alice.wallet.id}/transfers?${q}`, { token: alice.token });
      expect(res.status, q).to.equal(400);
      expect(res.body.error.param, q).to.equal(param);
    }
    const oneCursor = await call(app.url, 'GET', `/v1/accounts/${alice.wallet.id}/transfers?starting_after=${older}`, {
      token: alice.token,
    });
    expect(oneCursor.status, 'a well-formed cursor alone is accepted').to.equal(200);
  });
});

describe('transaction-service /openapi.json', () => {
  let app: LedgerTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startLedgerTestApp();
  });
  after(() => app?.close());

  it('documents the ledger routes and every error code they return', async () => {
    const doc = (await call(app.url, 'GET', '/openapi.json')).body;
    for (const path of [
      '/v1/transfers/{id}/post',
      '/v1/transfers/{id}/void',
      '/v1/accounts/{id}/transfers',
      '/v1/ledger/verify',
    ]) {
      expect(doc.paths, path).to.have.property(path);
    }
    const text = JSON.stringify(doc);
    for (const code of ['transfer_not_pending', 'amount_exceeds_hold', 'transfer_forbidden', 'insufficient_funds'])
      expect(text).to.include(code);
    expect(doc.components.schemas.CreateTransferRequest.properties).to.include.keys('pending', 'timeout_seconds');
    expect(doc.paths['/v1/transfers/{id}/post'].post.requestBody.required).not.to.equal(true);
  });
});
