import { expect } from 'chai';
import sinon from 'sinon';
import { call } from '@micropay/platform/testing';
import { expirySweeper } from '../../../src/jobs/expiry-sweeper-job';
import {
  balanceOf,
  fundedWallet,
  newUserId,
  startLedgerTestApp,
  transfer,
  verify,
  type LedgerTestApp,
} from '../../support/ledger-test-app';

describe('transaction-service pending transfers (holds)', () => {
  let app: LedgerTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startLedgerTestApp();
  });
  after(() => app?.close());

  const post = (token: string, id: string, body?: Record<string, unknown>) =>
    call(app.url, 'POST', `/v1/transfers/${id}/post`, { token, body });
  const voidIt = (token: string, id: string) => call(app.url, 'POST', `/v1/transfers/${id}/void`, { token });

  /** Waits (without asserting on time) until the database clock has passed the hold's deadline. */
  async function untilExpired(transferId: string) {
    for (;;) {
      const row = await app.db
        .knex('transfers')
        .where({ id: transferId })
        .first(app.db.knex.raw('expires_at <= now() as expired'));
      if (row.expired) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function hold(amount: number, extra: Record<string, unknown> = {}) {
    const alice = await fundedWallet(app, 1000);
    const bob = await fundedWallet(app, 0);
    const res = await transfer(app, alice.token, {
      from_account: alice.wallet.id,
      to_account: bob.wallet.id,
      amount,
      currency: 'usd',
      pending: true,
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return { alice, bob, res };
  }

  it('holds money: available drops, balances do not move, and the hold counts against further spending', async () => {
    const { alice, bob, res } = await hold(700);
    expect(res.body).to.include({ status: 'pending', amount: 700, posted_amount: null, expires_at: null });
    expect(res.body.balances.from_account).to.include({ balance: 1000, pending_debits: 700, available: 300 });
    expect(await balanceOf(app, bob.wallet.id)).to.include({ balance: 0, pending_credits: 700, available: 0 });
    // 400 more than available (300) even though the posted balance (1000) would cover it: Blnk #181.
    const spend = await transfer(app, alice.token, {
      from_account: alice.wallet.id,
      to_account: bob.wallet.id,
      amount: 400,
      currency: 'usd',
    });
    expect(spend.status).to.equal(402);
    expect(spend.body.error.code).to.equal('insufficient_funds');
  });

  it('posts part of a hold and releases the rest; a second post answers 409', async () => {
    const { alice, bob, res } = await hold(700);
    const posted = await post(alice.token, res.body.id, { amount: 250 });
    expect(posted.status, JSON.stringify(posted.body)).to.equal(200);
    expect(posted.body).to.include({ id: res.body.id, status: 'posted', amount: 700, posted_amount: 250 });
    expect(posted.body.resolved_at).to.be.a('string');
    expect(posted.body.balances.from_account).to.include({ balance: 750, pending_debits: 0, available: 750 });
    expect(await balanceOf(app, bob.wallet.id)).to.include({ balance: 250, pending_credits: 0 });
    const again = await post(alice.token, res.body.id);
    expect(again.status).to.equal(409);
    expect(again.body.error).to.include({ code: 'transfer_not_pending', param: 'id' });
    const voidAfterPost = await voidIt(alice.token, res.body.id);
    expect(voidAfterPost.status).to.equal(409);
    expect(voidAfterPost.body.error.code).to.equal('transfer_not_pending');
    expect(await balanceOf(app, alice.wallet.id)).to.include({ balance: 750, pending_debits: 0 });
    expect((await verify(app)).discrepancies).to.deep.equal([]);
  });

  it('posts the whole hold when no amount is given', async () => {
    const { alice, bob, res } = await hold(300);
    const posted = await post(alice.token, res.body.id);
    expect(posted.body).to.include({ status: 'posted', posted_amount: 300 });
    expect(await balanceOf(app, bob.wallet.id)).to.include({ balance: 300, pending_credits: 0 });
    expect(await balanceOf(app, alice.wallet.id)).to.include({ balance: 700, available: 700 });
  });

  it('voids a hold, releasing all of it, at most once', async () => {
    const { alice, bob, res } = await hold(500);
    const voided = await voidIt(alice.token, res.body.id);
    expect(voided.status).to.equal(200);
    expect(voided.body).to.include({ status: 'voided', posted_amount: null });
    expect(voided.body.balances.from_account).to.include({ balance: 1000, pending_debits: 0, available: 1000 });
    expect(await balanceOf(app, bob.wallet.id)).to.include({ balance: 0, pending_credits: 0 });
    expect((await voidIt(alice.token, res.body.id)).status).to.equal(409);
    expect((await post(alice.token, res.body.id)).status).to.equal(409);
  });

  it('refuses to post more than the hold, and changes nothing', async () => {
    const { alice, res } = await hold(100);
    const over = await post(alice.token, res.body.id, { amount: 101 });
    expect(over.status).to.equal(400);
    expect(over.body.error).to.include({ code: 'amount_exceeds_hold', param: 'amount' });
    const bad = await post(alice.token, res.body.id, { amount: 0 });
    expect(bad.body.error).to.include({ code: 'parameter_invalid', param: 'amount' });
    expect(await balanceOf(app, alice.wallet.id)).to.include({ balance: 1000, pending_debits: 100 });
    expect((await call(app.url, 'GET', `/v1/transfers/${res.body.id}`, { token: alice.token })).body.status).to.equal(
      'pending',
    );
  });

  it('lets only the creator (or a ledger:write client) resolve a hold; strangers get 404', async () => {
    const { bob, res } = await hold(100);
    const byPayee = await post(bob.token, res.body.id);
    expect(byPayee.status).to.equal(403);
    expect(byPayee.body.error.code).to.equal('transfer_forbidden');
    const stranger = await app.issuer.userToken(newUserId());
    expect((await voidIt(stranger, res.body.id)).status).to.equal(404);
    const client = await app.issuer.clientToken('payment-service', ['ledger:write']);
    expect((await post(client, res.body.id, { amount: 40 })).body).to.include({ status: 'posted', posted_amount: 40 });
  });

  it('answers 404 for an unknown transfer and 400 for a malformed id', async () => {
    const client = await app.issuer.clientToken('payment-service', ['ledger:write']);
    expect((await post(client, 'tr_01JD3M5Q8Z6Y7X2W1V0T9S8R7Q')).body.error.code).to.equal('transfer_not_found');
    expect((await voidIt(client, 'nope')).body.error).to.include({ code: 'parameter_invalid', param: 'id' });
  });

  it('replays a post sent again with the same Idempotency-Key instead of answering 409', async () => {
    const { alice, res } = await hold(100);
    const send = () =>
      call(app.url, 'POST', `/v1/transfers/${res.body.id}/post`, {
        token: alice.token,
        body: { amount: 60 },
        headers: { 'idempotency-key': `post-${res.body.id}` },
      });
    const first = await send();
    const second = await send();
    expect(second.status).to.equal(200);
    expect(second.headers.get('idempotent-replayed')).to.equal('true');
    expect(second.body.posted_amount).to.equal(first.body.posted_amount);
    expect(await balanceOf(app, alice.wallet.id)).to.include({ balance: 940 });
  });

  it('never posts an expired hold: it is voided instead, and the payer gets the money back', async () => {
    const { alice, bob, res } = await hold(200, { timeout_seconds: 1 });
    expect(res.body.expires_at).to.be.a('string');
    await untilExpired(res.body.id);
    const late = await post(alice.token, res.body.id);
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('transfer_not_pending');
    expect((await call(app.url, 'GET', `/v1/transfers/${res.body.id}`, { token: alice.token })).body.status).to.equal(
      'voided',
    );
    expect(await balanceOf(app, alice.wallet.id)).to.include({ balance: 1000, pending_debits: 0 });
    expect(await balanceOf(app, bob.wallet.id)).to.include({ balance: 0, pending_credits: 0 });
  });

  it('the expiry sweeper voids holds past their deadline and counts them', async () => {
    const { alice, res } = await hold(300, { timeout_seconds: 1 });
    const untouched = await hold(50, { timeout_seconds: 3600 });
    await untilExpired(res.body.id);
    const sweeper = expirySweeper(app.deps, 20);
    sweeper.start();
    try {
      while (
        (await call(app.url, 'GET', `/v1/transfers/${res.body.id}`, { token: alice.token })).body.status === 'pending'
      ) {
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await sweeper.stop();
    }
    expect((await call(app.url, 'GET', `/v1/transfers/${res.body.id}`, { token: alice.token })).body.status).to.equal(
      'voided',
    );
    expect(await balanceOf(app, alice.wallet.id)).to.include({ balance: 1000, pending_debits: 0, available: 1000 });
    expect(
      (await call(app.url, 'GET', `/v1/transfers/${untouched.res.body.id}`, { token: untouched.alice.token })).body
        .status,
    ).to.equal('pending');
    const metrics = (await call(app.url, 'GET', '/metrics')).body;
    expect(metrics).to.match(/ledger_pending_resolutions_total\{[^}]*action="expire"[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(metrics).to.match(/ledger_transfers_total\{[^}]*outcome="pending"[^}]*\} [1-9]/);
    expect((await verify(app)).discrepancies).to.deep.equal([]);
  });

  it('one hold that cannot be voided does not hold up the others behind it', async () => {
    const stuck = await hold(10, { timeout_seconds: 1 });
    const next = await hold(20, { timeout_seconds: 1 });
    await untilExpired(next.res.body.id);
    const resolve = app.deps.ledger.resolveTransfer.bind(app.deps.ledger);
    const stub = sinon.stub(app.deps.ledger, 'resolveTransfer').callsFake(async (actor, id, action, amount) => {
      if (id === stuck.res.body.id) throw new Error('disk on fire');
      return resolve(actor, id, action, amount);
    });
    try {
      const { failures } = await app.deps.ledger.expireDue();
      expect(failures.map((f) => [f.id, (f.error as Error).message])).to.deep.equal([
        [stuck.res.body.id, 'disk on fire'],
      ]);
    } finally {
      stub.restore();
    }
    const status = async (h: typeof stuck) =>
      (await call(app.url, 'GET', `/v1/transfers/${h.res.body.id}`, { token: h.alice.token })).body.status;
    expect(await status(stuck)).to.equal('pending');
    expect(await status(next)).to.equal('voided');
    expect(await app.deps.ledger.expireDue()).to.include({ voided: 1 });
    expect(await status(stuck)).to.equal('voided');
  });

  it('keeps transfer rows immutable in the database itself, except pending → posted | voided', async () => {
    const { alice, bob, res } = await hold(100);
    const posted = (
      await transfer(app, alice.token, {
        from_account: alice.wallet.id,
        to_account: bob.wallet.id,
        amount: 10,
        currency: 'usd',
      })
    ).body;
    const attempts = [
      () => app.db.knex('transfers').where({ id: posted.id }).update({ amount: 1 }),
      () => app.db.knex('transfers').where({ id: posted.id }).update({ status: 'voided' }),
      () => app.db.knex('transfers').where({ id: posted.id }).delete(),
      () => app.db.knex('transfers').where({ id: res.body.id }).update({ amount: 1 }),
      () =>
        app.db
          .knex('transfers')
          .where({ id: res.body.id })
          .update({ status: 'posted', posted_amount: 100, amount: 100, description: 'edited' }),
    ];
    for (const attempt of attempts) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, attempt.toString()).to.have.property('code', '23001');
    }
    expect((await app.db.knex('transfers').where({ id: posted.id }).first()).amount).to.equal(10);
    expect((await post(alice.token, res.body.id)).status).to.equal(200);
  });
});
