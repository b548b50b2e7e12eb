import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { call } from '@micropay/platform/testing';
import { newCustomer, payByCard, useE2eStack, type Customer } from './support';

interface Balances {
  balance: number;
  pending_debits: number;
  pending_credits: number;
  available: number;
}

describe('e2e: `npm start`, then a hold is placed, partly posted and its remainder released', function () {
  this.timeout(240_000);
  const stack = useE2eStack();

  const balancesOf = async (who: Customer): Promise<Balances> => {
    const res = await call(stack().gateway, 'GET', `/v1/accounts/${who.wallet}`, { token: who.token });
    expect(res.status).to.equal(200);
    return res.body;
  };
  const history = (who: Customer, query: string) =>
    call(stack().gateway, 'GET', `/v1/accounts/${who.wallet}/transfers?${query}`, { token: who.token });
  const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((t) => t.id);

  /** A payer funded with three card payments (6000 in all) and a payee: each test makes its own. */
  async function fundedPair() {
    const payer = await newCustomer(stack(), 'hold.payer');
    const payee = await newCustomer(stack(), 'hold.payee');
    const paymentTransfers: string[] = [];
    for (const amount of [1000, 2000, 3000]) {
      const res = await payByCard(stack(), payer, amount);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.include({ status: 'succeeded' });
      paymentTransfers.push(res.body.ledger_transfer);
    }
    return { payer, payee, paymentTransfers };
  }

  /** A 5000 hold from the payer to the payee. */
  async function placeHold(payer: Customer, payee: Customer): Promise<string> {
    const res = await call(stack().gateway, 'POST', '/v1/transfers', {
      token: payer.token,
      body: {
        from_account: payer.wallet,
        to_account: payee.wallet,
        amount: 5000,
        currency: 'usd',
        pending: true,
        timeout_seconds: 600,
        description: 'hotel deposit',
      },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({ status: 'pending', amount: 5000, posted_amount: null });
    expect(res.body.expires_at).to.be.a('string');
    return res.body.id;
  }

  const post = (payer: Customer, holdId: string, amount: number) =>
    call(stack().gateway, 'POST', `/v1/transfers/${holdId}/post`, { token: payer.token, body: { amount } });

  it('funds the payer with three card payments through payment-service', async () => {
    const { payer } = await fundedPair();
    expect(await balancesOf(payer)).to.include({ balance: 6000, pending_debits: 0, available: 6000 });
  });

  it('places a hold: the payer can spend less at once, and no posted balance moves', async () => {
    const { payer, payee } = await fundedPair();
    await placeHold(payer, payee);
    expect(await balancesOf(payer)).to.include({ balance: 6000, pending_debits: 5000, available: 1000 });
    expect(await balancesOf(payee)).to.include({ balance: 0, pending_credits: 5000, available: 0 });

    // The hold counts against spending: 1500 is more than the 1000 still available.
    const overspend = await call(stack().gateway, 'POST', '/v1/transfers', {
      token: payer.token,
      body: { from_account: payer.wallet, to_account: payee.wallet, amount: 1500, currency: 'usd' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(overspend.status).to.equal(402);
    expect(overspend.body.error.code).to.equal('insufficient_funds');
    expect(await balancesOf(payer)).to.include({ balance: 6000, pending_debits: 5000, available: 1000 });
  });

  it('posts part of the hold and releases the remainder, once', async () => {
    const { payer, payee } = await fundedPair();
    const holdId = await placeHold(payer, payee);
    const posted = await post(payer, holdId, 3200);
    expect(posted.status, JSON.stringify(posted.body)).to.equal(200);
    expect(posted.body).to.include({ status: 'posted', amount: 5000, posted_amount: 3200 });
    expect(await balancesOf(payer)).to.include({ balance: 2800, pending_debits: 0, available: 2800 });
    expect(await balancesOf(payee)).to.include({ balance: 3200, pending_credits: 0, available: 3200 });

    const again = await post(payer, holdId, 100);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('transfer_not_pending');
    expect(
      (await call(stack().gateway, 'POST', `/v1/transfers/${holdId}/void`, { token: payer.token })).status,
    ).to.equal(409);
    expect(await balancesOf(payer)).to.include({ balance: 2800, available: 2800 });
    expect(await balancesOf(payee)).to.include({ balance: 3200 });
  });

  it("pages through the payer's history newest first with starting_after and back with ending_before", async () => {
    const { payer, payee, paymentTransfers } = await fundedPair();
    const holdId = await placeHold(payer, payee);
    expect((await post(payer, holdId, 3200)).status).to.equal(200);
    const newestFirst = [holdId, ...[...paymentTransfers].reverse()];

    const first = await history(payer, 'limit=2');
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ object: 'list', has_more: true });
    expect(ids(first)).to.deep.equal(newestFirst.slice(0, 2));
    expect(first.body.data[0]).to.include({
      id: holdId,
      status: 'posted',
      posted_amount: 3200,
      from_account: payer.wallet,
    });

    const second = await history(payer, `limit=2&starting_after=${newestFirst[1]}`);
    expect(ids(second)).to.deep.equal(newestFirst.slice(2, 4));
    expect(second.body.has_more).to.equal(false);
    expect(second.body.data.map((t: { amount: number }) => t.amount)).to.deep.equal([2000, 1000]);

    const back = await history(payer, `limit=2&ending_before=${newestFirst[2]}`);
    expect(ids(back)).to.deep.equal(newestFirst.slice(0, 2));

    // The payee sees the hold in its own history; a stranger's view of the payer's account is a 404.
    expect(ids(await history(payee, 'limit=10'))).to.deep.equal([holdId]);
    const stranger = await call(stack().gateway, 'GET', `/v1/accounts/${payer.wallet}/transfers`, {
      token: payee.token,
    });
    expect(stranger.status).to.equal(404);
  });
});
