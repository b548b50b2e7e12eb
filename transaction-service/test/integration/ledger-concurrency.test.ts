import { expect } from 'chai';
import { call } from '@micropay/platform/testing';
import {
  balanceOf,
  fundedWallet,
  startLedgerTestApp,
  transfer,
  verify,
  type LedgerTestApp,
} from '../support/ledger-test-app';

// Against embedded PGlite these run one transaction at a time; against the PostgreSQL server
// (CI's second run) the requests really race for the same rows.
describe('transaction-service under concurrent requests', () => {
  let app: LedgerTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startLedgerTestApp();
  });
  after(() => app?.close());

  it('50 concurrent transfers out of a wallet that covers 10: exactly 10 succeed, the rest 402, the balance ends at 0', async () => {
    const alice = await fundedWallet(app, 1000);
    const bob = await fundedWallet(app, 0);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        transfer(app, alice.token, {
          from_account: alice.wallet.id,
          to_account: bob.wallet.id,
          amount: 100,
          currency: 'usd',
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).to.have.length(10);
    expect(statuses.filter((s) => s === 402)).to.have.length(40);
    expect(await balanceOf(app, alice.wallet.id)).to.include({ balance: 0, available: 0 });
    expect(await balanceOf(app, bob.wallet.id)).to.include({ balance: 1000 });
    const report = await verify(app);
    expect(report.discrepancies).to.deep.equal([]);
    expect(report.ok).to.equal(true);
  });

  it('concurrent holds and transfers share one available balance: never more than the wallet holds', async () => {
    const alice = await fundedWallet(app, 1000);
    const bob = await fundedWallet(app, 0);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        transfer(app, alice.token, {
          from_account: alice.wallet.id,
          to_account: bob.wallet.id,
          amount: 100,
          currency: 'usd',
          ...(i % 2 ? { pending: true } : {}),
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).to.have.length(10);
    expect(results.every((r) => r.status === 201 || r.status === 402)).to.equal(true);
    const after = await balanceOf(app, alice.wallet.id);
    expect(after.available).to.equal(0);
    expect(after.balance - after.pending_debits).to.equal(0);
    expect((await verify(app)).discrepancies).to.deep.equal([]);
  });

  it('A→B and B→A transfers racing in a loop: no deadlock reaches a client and the totals hold', async () => {
    const a = await fundedWallet(app, 500);
    const b = await fundedWallet(app, 500);
    const rounds = 15;
    const results = await Promise.all(
      Array.from({ length: rounds }, (_, i) => [
        transfer(app, a.token, { from_account: a.wallet.id, to_account: b.wallet.id, amount: 7 + i, currency: 'usd' }),
        transfer(app, b.token, { from_account: b.wallet.id, to_account: a.wallet.id, amount: 11 + i, currency: 'usd' }),
      ]).flat(),
    );
    for (const r of results) expect(r.status, JSON.stringify(r.body)).to.equal(201);
    const [ab, ba] = [a, b].map((w) => w.wallet.id);
    const balances = [await balanceOf(app, ab!), await balanceOf(app, ba!)];
    expect(balances[0]!.balance + balances[1]!.balance).to.equal(1000);
    // Each of the 15 rounds moved 4 more from B to A than from A to B.
    expect(balances[0]!.balance).to.equal(500 + rounds * 4);
    expect((await verify(app)).discrepancies).to.deep.equal([]);
    // Accounts are locked in id order, so the database never even had to break a deadlock.
    expect((await call(app.url, 'GET', '/metrics')).body).not.to.match(
      /ledger_transaction_retries_total\{[^}]*sqlstate="40P01"/,
    );
  });

  it('the same Idempotency-Key sent 20 times at once makes one transfer: the rest are replays or 409s', async () => {
    const alice = await fundedWallet(app, 1000);
    const bob = await fundedWallet(app, 0);
    const body = { from_account: alice.wallet.id, to_account: bob.wallet.id, amount: 100, currency: 'usd' };
    const key = `twenty-${alice.wallet.id}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => transfer(app, alice.token, body, key)));
    const created = results.filter((r) => r.status === 201);
    expect(
      results.every((r) => r.status === 201 || (r.status === 409 && r.body.error.code === 'idempotency_key_in_use')),
    ).to.equal(true);
    const fresh = created.filter((r) => r.headers.get('idempotent-replayed') !== 'true');
    expect(fresh).to.have.length(1);
    expect(new Set(created.map((r) => r.body.id))).to.deep.equal(new Set([fresh[0]!.body.id]));
    expect(await app.db.knex('transfers').where({ debit_account_id: alice.wallet.id })).to.have.length(1);
    expect(await balanceOf(app, bob.wallet.id)).to.include({ balance: 100 });
  });

  it('posting and voiding the same hold at once: exactly one wins', async () => {
    const alice = await fundedWallet(app, 1000);
    const bob = await fundedWallet(app, 0);
    const hold = (
      await transfer(app, alice.token, {
        from_account: alice.wallet.id,
        to_account: bob.wallet.id,
        amount: 300,
        currency: 'usd',
        pending: true,
      })
    ).body;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(app.url, 'POST', `/v1/transfers/${hold.id}/${i % 2 ? 'void' : 'post'}`, { token: alice.token }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).to.have.length(1);
    expect(results.filter((r) => r.status === 409)).to.have.length(9);
    const after = await balanceOf(app, alice.wallet.id);
    expect(after.pending_debits).to.equal(0);
    expect([700, 1000]).to.include(after.balance);
    expect((await verify(app)).discrepancies).to.deep.equal([]);
  });
});
