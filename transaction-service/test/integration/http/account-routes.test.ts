import { expect } from 'chai';
import { call } from '@micropay/platform/testing';
import { fundedWallet, newUserId, startLedgerTestApp, type LedgerTestApp } from '../../support/ledger-test-app';

describe('transaction-service accounts', () => {
  let app: LedgerTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startLedgerTestApp();
  });
  after(() => app?.close());

  const countAccounts = async () => Number((await app.db.knex('accounts').count<{ c: number }[]>('* as c'))[0]!.c);

  describe('POST /v1/accounts', () => {
    it('opens a wallet with balance 0, and returns the same wallet on the next call', async () => {
      const token = await app.issuer.userToken(newUserId());
      const first = await call(app.url, 'POST', '/v1/accounts', { token, body: { currency: 'brl' } });
      expect(first.status).to.equal(201);
      expect(first.body).to.include({
        object: 'account',
        type: 'wallet',
        currency: 'brl',
        balance: 0,
        available: 0,
        pending_debits: 0,
      });
      expect(first.body.id).to.match(/^acct_[0-9A-Z]{26}$/);
      expect(first.body.flags).to.deep.equal({ allow_negative: false });
      const second = await call(app.url, 'POST', '/v1/accounts', { token, body: { currency: 'brl' } });
      expect(second.status).to.equal(200);
      expect(second.body.id).to.equal(first.body.id);
      const usd = await call(app.url, 'POST', '/v1/accounts', { token, body: { currency: 'usd' } });
      expect(usd.body.id).not.to.equal(first.body.id);
    });

    it('opens exactly one wallet when asked concurrently', async () => {
      const token = await app.issuer.userToken(newUserId());
      const results = await Promise.all(
        Array.from({ length: 8 }, () => call(app.url, 'POST', '/v1/accounts', { token, body: { currency: 'eur' } })),
      );
      expect(new Set(results.map((r) => r.body.id)).size).to.equal(1);
      expect(results.filter((r) => r.status === 201)).to.have.length(1);
    });

    it('rejects bad input and missing or forged tokens, and writes nothing', async () => {
      const before = await countAccounts();
      const token = await app.issuer.userToken(newUserId());
      const bad = await call(app.url, 'POST', '/v1/accounts', { token, body: { currency: 'dollars' } });
      expect(bad.status).to.equal(400);
      expect(bad.body.error).to.include({ code: 'parameter_invalid', param: 'currency' });
      const missing = await call(app.url, 'POST', '/v1/accounts', { token, body: {} });
      expect(missing.body.error).to.include({ code: 'parameter_missing', param: 'currency' });
      expect((await call(app.url, 'POST', '/v1/accounts', { body: { currency: 'usd' } })).status).to.equal(401);
      const forged = await call(app.url, 'POST', '/v1/accounts', {
        token: app.issuer.hs256WithPublicKey('usr_x'),
        body: { currency: 'usd' },
      });
      expect(forged.status).to.equal(401);
      expect(await countAccounts()).to.equal(before);
    });

    it('is for users only: a service client gets 403', async () => {
      const token = await app.issuer.clientToken('payment-service', ['ledger:write']);
      const res = await call(app.url, 'POST', '/v1/accounts', { token, body: { currency: 'usd' } });
      expect(res.status).to.equal(403);
    });
  });

  describe('GET /v1/accounts/:id', () => {
    it("shows the owner their wallet and answers 404 for someone else's", async () => {
      const { token, wallet } = await fundedWallet(app, 250);
      const mine = await call(app.url, 'GET', `/v1/accounts/${wallet.id}`, { token });
      expect(mine.status).to.equal(200);
      expect(mine.body).to.include({ id: wallet.id, balance: 250, available: 250 });
      const stranger = await app.issuer.userToken(newUserId());
      const theirs = await call(app.url, 'GET', `/v1/accounts/${wallet.id}`, { token: stranger });
      expect(theirs.status).to.equal(404);
      expect(theirs.body.error.code).to.equal('account_not_found');
    });

    it('shows any account to a client with ledger:read', async () => {
      const { wallet } = await fundedWallet(app, 0);
      const token = await app.issuer.clientToken('payment-service', ['ledger:read']);
      expect((await call(app.url, 'GET', `/v1/accounts/${wallet.id}`, { token })).status).to.equal(200);
    });

    it('answers 400 for a malformed id', async () => {
      const token = await app.issuer.userToken(newUserId());
      const res = await call(app.url, 'GET', '/v1/accounts/12345', { token });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.include({ param: 'id' });
    });
  });

  describe('GET /v1/accounts', () => {
    it("lists only the caller's wallets, newest first, a page at a time", async () => {
      const token = await app.issuer.userToken(newUserId());
      const ids: string[] = [];
      for (const currency of ['usd', 'brl', 'eur'])
        ids.push((await call(app.url, 'POST', '/v1/accounts', { token, body: { currency } })).body.id);
      const first = await call(app.url, 'GET', '/v1/accounts?limit=2', { token });
      expect(first.body).to.include({ object: 'list', has_more: true });
      expect(first.body.data.map((a: { id: string }) => a.id)).to.deep.equal([ids[2], ids[1]]);
      const second = await call(app.url, 'GET', `/v1/accounts?limit=2&starting_after=${ids[1]}`, { token });
      expect(second.body.data.map((a: { id: string }) => a.id)).to.deep.equal([ids[0]]);
      expect(second.body.has_more).to.equal(false);
      const back = await call(app.url, 'GET', `/v1/accounts?limit=2&ending_before=${ids[0]}`, { token });
      expect(back.body.data.map((a: { id: string }) => a.id)).to.deep.equal([ids[2], ids[1]]);
    });

    it('validates the list parameters', async () => {
      const token = await app.issuer.userToken(newUserId());
      for (const q of ['limit=0', 'limit=101', 'limit=abc', 'starting_after=nope', 'sort=asc']) {
        const res = await call(app.url, 'GET', `/v1/accounts?${q}`, { token });
        expect(res.status, q).to.equal(400);
      }
    });
  });

  describe('POST /v1/system-accounts', () => {
    it('gets or creates a system account for clients with ledger:write, and refuses users', async () => {
      const client = await app.issuer.clientToken('payment-service', ['ledger:write']);
      const code = `clearing:t${Date.now()}`;
      const first = await call(app.url, 'POST', '/v1/system-accounts', {
        token: client,
        body: { code, currency: 'usd' },
      });
      expect(first.status).to.equal(201);
      expect(first.body).to.include({ type: 'system', code, owner: null });
      expect(first.body.flags).to.deep.equal({ allow_negative: true });
      const again = await call(app.url, 'POST', '/v1/system-accounts', {
        token: client,
        body: { code, currency: 'usd' },
      });
      expect(again.status).to.equal(200);
      expect(again.body.id).to.equal(first.body.id);
      const user = await app.issuer.userToken(newUserId());
      expect(
        (await call(app.url, 'POST', '/v1/system-accounts', { token: user, body: { code, currency: 'usd' } })).status,
      ).to.equal(403);
    });
  });
});
