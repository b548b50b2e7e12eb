import { expect } from 'chai';
import { call } from '@micropay/platform/testing';
import { fundedWallet, newUserId, startLedgerTestApp, verify, type LedgerTestApp } from '../../support/ledger-test-app';

describe('transaction-service transfers', () => {
  let app: LedgerTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startLedgerTestApp();
  });
  after(() => app?.close());

  let keys = 0;
  const transfer = (token: string, body: Record<string, unknown>, key = `k-${Date.now()}-${(keys += 1)}`) =>
    call(app.url, 'POST', '/v1/transfers', { token, body, headers: { 'idempotency-key': key } });
  const transferMetrics = async () =>
    ((await call(app.url, 'GET', '/metrics')).body as string)
      .split('\n')
      .filter((line) => line.startsWith('ledger_transfer'));
  const state = async () => ({
    transfers: Number((await app.db.knex('transfers').count<{ c: number }[]>('* as c'))[0]!.c),
    balances: await app.db.knex('accounts').select('id', 'balance').orderBy('id'),
  });

  it('moves money between wallets and returns the balances the caller may see', async () => {
    const alice = await fundedWallet(app, 1000);
    const bob = await fundedWallet(app, 0);
    const res = await transfer(alice.token, {
      from_account: alice.wallet.id,
      to_account: bob.wallet.id,
      amount: 300,
      currency: 'usd',
      description: 'Dinner',
      metadata: { split: '1/2' },
    });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({
      object: 'transfer',
      from_account: alice.wallet.id,
      to_account: bob.wallet.id,
      amount: 300,
      status: 'posted',
      description: 'Dinner',
    });
    expect(res.body.id).to.match(/^tr_/);
    expect(res.body.metadata).to.deep.equal({ split: '1/2' });
    expect(res.body.balances.from_account).to.include({ id: alice.wallet.id, balance: 700, available: 700 });
    expect(res.body.balances).not.to.have.property('to_account'); // Bob's balance is not Alice's business
    const bobNow = await call(app.url, 'GET', `/v1/accounts/${bob.wallet.id}`, { token: bob.token });
    expect(bobNow.body.balance).to.equal(300);
  });

  it('lets a service client move money out of a system account, which may go negative', async () => {
    const client = await app.issuer.clientToken('payment-service', ['ledger:write', 'ledger:read']);
    const clearing = (
      await call(app.url, 'POST', '/v1/system-accounts', {
        token: client,
        body: { code: `clearing:neg${Date.now()}`, currency: 'brl' },
      })
    ).body;
    const { wallet } = await fundedWallet(app, 0, 'brl');
    const res = await transfer(client, {
      from_account: clearing.id,
      to_account: wallet.id,
      amount: 5000,
      currency: 'brl',
    });
    expect(res.status).to.equal(201);
    expect(res.body.balances.from_account.balance).to.equal(-5000);
    expect(res.body.balances.to_account.balance).to.equal(5000);
  });

  it('answers 402 insufficient_funds and writes nothing', async () => {
    const alice = await fundedWallet(app, 100);
    const bob = await fundedWallet(app, 0);
    const before = await state();
    const res = await transfer(alice.token, {
      from_account: alice.wallet.id,
      to_account: bob.wallet.id,
      amount: 101,
      currency: 'usd',
    });
    expect(res.status).to.equal(402);
    expect(res.body.error).to.include({ code: 'insufficient_funds', param: 'amount' });
    expect(await state()).to.deep.equal(before);
  });

  it("answers 404 when a user spends from someone else's wallet, and writes nothing", async () => {
    const alice = await fundedWallet(app, 100);
    const mallory = await fundedWallet(app, 0);
    const before = await state();
    const res = await transfer(mallory.token, {
      from_account: alice.wallet.id,
      to_account: mallory.wallet.id,
      amount: 50,
      currency: 'usd',
    });
    expect(res.status).to.equal(404);
    expect(res.body.error).to.include({ code: 'account_not_found', param: 'from_account' });
    expect(await state()).to.deep.equal(before);
  });

  it('refuses bad transfers with 4xx naming the field, writing nothing', async () => {
    const alice = await fundedWallet(app, 100);
    const bob = await fundedWallet(app, 0);
    const brl = await fundedWallet(app, 0, 'brl');
    const client = await app.issuer.clientToken('payment-service', ['ledger:write']);
    const system = (
      await call(app.url, 'POST', '/v1/system-accounts', { token: client, body: { code: 'fees', currency: 'usd' } })
    ).body;
    const base = { from_account: alice.wallet.id, to_account: bob.wallet.id, amount: 10, currency: 'usd' };
    const before = await state();
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ ...base, to_account: alice.wallet.id }, 400, 'same_account', 'to_account'],
      [{ ...base, to_account: brl.wallet.id }, 400, 'currency_mismatch', 'currency'],
      [{ ...base, currency: 'brl' }, 400, 'currency_mismatch', 'currency'],
      [{ ...base, to_account: system.id }, 403, 'system_account_forbidden', 'to_account'],
      [{ ...base, to_account: 'acct_01JD3M5Q8Z6Y7X2W1V0T9S8R7Q' }, 404, 'account_not_found', 'to_account'],
      [{ ...base, amount: 1.5 }, 400, 'parameter_invalid', 'amount'],
      [{ ...base, amount: 0 }, 400, 'parameter_invalid', 'amount'],
      [{ ...base, amount: 2 ** 53 }, 400, 'parameter_invalid', 'amount'],
      [{ ...base, from_account: 'wallet-1' }, 400, 'parameter_invalid', 'from_account'],
      [{ ...base, pending: 'maybe' }, 400, 'parameter_invalid', 'pending'],
      [{ ...base, timeout_seconds: 60 }, 400, 'parameter_invalid', 'timeout_seconds'],
      [{ ...base, pending: true, timeout_seconds: 0 }, 400, 'parameter_invalid', 'timeout_seconds'],
      [{ ...base, pending: true, timeout_seconds: 1.5 }, 400, 'parameter_invalid', 'timeout_seconds'],
      [{ ...base, amount: '10' }, 400, 'parameter_invalid', 'amount'],
      [{ ...base, amount: -5 }, 400, 'parameter_invalid', 'amount'],
      [{ ...base, currency: 'USD' }, 400, 'parameter_invalid', 'currency'],
      [{ ...base, memo: 'x' }, 400, 'parameter_unknown', 'memo'],
      [{ to_account: bob.wallet.id, amount: 10, currency: 'usd' }, 400, 'parameter_missing', 'from_account'],
    ];
    for (const [body, status, code, param] of cases) {
      const res = await transfer(alice.token, body);
      expect(res.status, JSON.stringify(body)).to.equal(status);
      expect(res.body.error, JSON.stringify(body)).to.include({ code, param });
    }
    const stranger = await transfer(alice.token, { ...base, to_account: brl.wallet.id });
    expect(stranger.body.error.message, "a stranger's wallet currency is not revealed").not.to.include('brl');
    const own = await transfer(alice.token, { ...base, currency: 'brl' });
    expect(own.body.error.message).to.include(`${alice.wallet.id} holds usd, not brl`);
    const noKey = await call(app.url, 'POST', '/v1/transfers', { token: alice.token, body: base });
    expect(noKey.body.error).to.include({ code: 'idempotency_key_missing' });
    expect(await state()).to.deep.equal(before);
  });

  it('applies a transfer once however often the same Idempotency-Key is sent', async () => {
    const alice = await fundedWallet(app, 1000);
    const bob = await fundedWallet(app, 0);
    const body = { from_account: alice.wallet.id, to_account: bob.wallet.id, amount: 100, currency: 'usd' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => transfer(alice.token, body, `same-key-${alice.wallet.id}`)),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created.length).to.be.at.least(1);
    expect(results.every((r) => r.status === 201 || r.status === 409)).to.equal(true);
    expect(new Set(created.map((r) => r.body.id)).size).to.equal(1);
    const replay = await transfer(alice.token, body, `same-key-${alice.wallet.id}`);
    expect(replay.headers.get('idempotent-replayed')).to.equal('true');
    expect(replay.body.id).to.equal(created[0]!.body.id);
    const bobNow = await call(app.url, 'GET', `/v1/accounts/${bob.wallet.id}`, { token: bob.token });
    expect(bobNow.body.balance).to.equal(100);
  });

  it('when the Idempotency-Key is reused with another body, answers 422 idempotency_key_reused and writes nothing', async () => {
    const alice = await fundedWallet(app, 1000);
    const bob = await fundedWallet(app, 0);
    const key = `reused-${alice.wallet.id}`;
    const body = { from_account: alice.wallet.id, to_account: bob.wallet.id, amount: 100, currency: 'usd' };
    const first = await transfer(alice.token, body, key);
    expect(first.status).to.equal(201);
    const before = await state();
    for (const other of [
      { ...body, amount: 101 },
      { ...body, pending: true },
      { ...body, description: 'changed' },
    ]) {
      const res = await transfer(alice.token, other, key);
      expect(res.status, JSON.stringify(other)).to.equal(422);
      expect(res.body.error).to.include({ code: 'idempotency_key_reused', type: 'idempotency_error' });
    }
    expect(await state()).to.deep.equal(before);
  });

  it('once the idempotency record is purged, the transfer row still remembers the key: a replay, or 422 for another body', async () => {
    const alice = await fundedWallet(app, 1000);
    const bob = await fundedWallet(app, 0);
    const key = `purged-${alice.wallet.id}`;
    const body = {
      from_account: alice.wallet.id,
      to_account: bob.wallet.id,
      amount: 100,
      currency: 'usd',
      description: 'rent',
      metadata: { order: '1', unit: '4b' },
    };
    const first = await transfer(alice.token, body, key);
    expect(first.status).to.equal(201);
    const purge = async () => expect(await app.db.knex('idempotency_keys').where({ key }).del()).to.equal(1);
    const before = await state();
    await purge();
    const counted = await transferMetrics();
    const same = await transfer(alice.token, body, key);
    expect(same.status).to.equal(201);
    expect(same.body.id).to.equal(first.body.id);
    expect(same.headers.get('idempotent-replayed')).to.equal('true');
    expect(await transferMetrics(), 'a replay is not counted as a second transfer').to.deep.equal(counted);
    for (const other of [
      { ...body, amount: 200 },
      { ...body, description: 'another' },
      { ...body, metadata: { order: '2' } },
    ]) {
      await purge();
      const changed = await transfer(alice.token, other, key);
      expect(changed.status, JSON.stringify(other)).to.equal(422);
      expect(changed.body.error.code).to.equal('idempotency_key_reused');
      // The refusal is not stored under the key: the original request still replays its transfer.
      const retried = await transfer(alice.token, body, key);
      expect(retried.status).to.equal(201);
      expect(retried.body.id).to.equal(first.body.id);
    }
    expect(await state()).to.deep.equal(before);
  });

  it('after the purge, a hold replays only with the same pending flag and timeout_seconds', async () => {
    const alice = await fundedWallet(app, 1000);
    const bob = await fundedWallet(app, 0);
    const key = `purged-hold-${alice.wallet.id}`;
    const body = {
      from_account: alice.wallet.id,
      to_account: bob.wallet.id,
      amount: 100,
      currency: 'usd',
      pending: true,
      timeout_seconds: 600,
    };
    const first = await transfer(alice.token, body, key);
    expect(first.status).to.equal(201);
    const before = await state();
    for (const other of [
      { ...body, timeout_seconds: 601 },
      { ...body, timeout_seconds: undefined },
      { ...body, pending: false, timeout_seconds: undefined },
    ]) {
      expect(await app.db.knex('idempotency_keys').where({ key }).del()).to.equal(1);
      const changed = await transfer(alice.token, other, key);
      expect(changed.status, JSON.stringify(other)).to.equal(422);
      const same = await transfer(alice.token, body, key);
      expect(same.body.id).to.equal(first.body.id);
    }
    expect(await state()).to.deep.equal(before);
  });

  it('never spends the same money twice under concurrent transfers', async () => {
    const alice = await fundedWallet(app, 100);
    const bob = await fundedWallet(app, 0);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        transfer(alice.token, {
          from_account: alice.wallet.id,
          to_account: bob.wallet.id,
          amount: 10,
          currency: 'usd',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).to.have.length(10);
    expect(results.filter((r) => r.status === 402)).to.have.length(10);
    const after = await call(app.url, 'GET', `/v1/accounts/${alice.wallet.id}`, { token: alice.token });
    expect(after.body.balance).to.equal(0);
  });

  it('counts transfers by outcome and volume in /metrics', async () => {
    const alice = await fundedWallet(app, 10);
    const bob = await fundedWallet(app, 0);
    expect(
      (
        await transfer(alice.token, {
          from_account: alice.wallet.id,
          to_account: bob.wallet.id,
          amount: 10,
          currency: 'usd',
        })
      ).status,
    ).to.equal(201);
    expect(
      (
        await transfer(alice.token, {
          from_account: alice.wallet.id,
          to_account: bob.wallet.id,
          amount: 10,
          currency: 'usd',
        })
      ).status,
    ).to.equal(402);
    const res = await call(app.url, 'GET', '/metrics');
    expect(res.body).to.match(/ledger_transfers_total\{[^}]*currency="usd"[^}]*outcome="posted"[^}]*\} [1-9]/);
    expect(res.body).to.match(/ledger_transfers_total\{[^}]*outcome="insufficient_funds"[^}]*\} [1-9]/);
    expect(res.body).to.match(/ledger_transfer_amount_total\{[^}]*currency="usd"[^}]*\} [1-9]/);
  });

  it('keeps the books balanced: every currency sums to zero and each balance matches its transfers', async () => {
    const sums = await app.db.knex('accounts').select('currency').sum('balance as total').groupBy('currency');
    for (const row of sums) expect(row.total, row.currency).to.equal(0);
    const mismatched = await app.db.knex.raw(`
      select a.id from accounts a
      where a.balance <> coalesce((select sum(posted_amount) from transfers where credit_account_id = a.id and status = 'posted'), 0)
                       - coalesce((select sum(posted_amount) from transfers where debit_account_id = a.id and status = 'posted'), 0)`);
    expect(mismatched.rows).to.deep.equal([]);
    expect((await verify(app)).discrepancies).to.deep.equal([]);
  });

  it('shows a transfer to the users on either side and to ledger:read clients only', async () => {
    const alice = await fundedWallet(app, 100);
    const bob = await fundedWallet(app, 0);
    const created = (
      await transfer(alice.token, {
        from_account: alice.wallet.id,
        to_account: bob.wallet.id,
        amount: 5,
        currency: 'usd',
      })
    ).body;
    for (const token of [alice.token, bob.token, await app.issuer.clientToken('payment-service', ['ledger:read'])]) {
      const res = await call(app.url, 'GET', `/v1/transfers/${created.id}`, { token });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id: created.id, amount: 5 });
    }
    const stranger = await app.issuer.userToken(newUserId());
    expect((await call(app.url, 'GET', `/v1/transfers/${created.id}`, { token: stranger })).status).to.equal(404);
  });
});
