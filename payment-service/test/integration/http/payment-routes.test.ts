import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '@micropay/platform';
import { call } from '@micropay/platform/testing';
import { cardLogSecrets } from '../../../src/domain/card';
import { customerWithWallet, startPaymentTestApp, visa, type PaymentTestApp } from '../../support/payment-test-app';

describe('payment-service POST /v1/payments (card)', () => {
  let app: PaymentTestApp;
  const logLines: string[] = [];
  before(async function () {
    this.timeout(60_000);
    const destination = new Writable({
      write(chunk, _e, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = await startPaymentTestApp({
      logger: createLogger({ service: 'payment-service', level: 'debug', destination, secrets: cardLogSecrets }),
    });
  });
  after(() => app?.close());
  beforeEach(() => {
    app.peers.ledgerDown = false;
    app.peers.transfersDown = false;
  });

  let keys = 0;
  const pay = (
    token: string,
    body: Record<string, unknown>,
    key: string | null = `pay-key-${Date.now()}-${(keys += 1)}`,
  ) => call(app.url, 'POST', '/v1/payments', { token, body, headers: key ? { 'idempotency-key': key } : {} });
  const countPayments = async () => Number((await app.db.knex('payments').count<{ c: number }[]>('* as c'))[0]!.c);

  it('charges the card, credits the wallet through the ledger, and answers 201 succeeded', async () => {
    const { token, walletId, userId } = await customerWithWallet(app);
    const res = await pay(token, {
      method: 'card',
      amount: 1050,
      currency: 'usd',
      account: walletId,
      card: visa,
      description: 'Top-up',
    });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({
      object: 'payment',
      status: 'succeeded',
      amount: 1050,
      currency: 'usd',
      account: walletId,
      customer: userId,
      method: 'card',
    });
    expect(res.body.id).to.match(/^pay_[0-9A-Z]{26}$/);
    expect(res.body.card).to.include({ brand: 'visa', last4: '4242', exp_month: 12 });
    expect(res.body.card.fingerprint).to.be.a('string').with.length(16);

    const credit = app.peers.transfers.find((t) => t.body.to_account === walletId)!;
    expect(credit.idempotencyKey).to.equal(`payment:${res.body.id}`);
    expect(credit.body).to.deep.include({
      amount: 1050,
      currency: 'usd',
      from_account: 'acct_CLEARINGUSD00000000000000',
    });
    expect(res.body.ledger_transfer).to.equal(credit.id);
    expect(app.peers.tokenRequests[0]).to.match(/^Basic /);
  });

  it('never stores or logs the card number or CVC', async () => {
    const { token, walletId } = await customerWithWallet(app);
    const card = { ...visa, number: '5555555555554444', cvc: '987' };
    const res = await pay(token, { method: 'card', amount: 100, currency: 'usd', account: walletId, card });
    expect(res.status).to.equal(201);
    const row = await app.db.knex('payments').where({ id: res.body.id }).first();
    expect(JSON.stringify(row)).not.to.contain('5555555555554444');
    expect(row.method_details.card.last4).to.equal('4444');
    const outbox = await app.db.knex('outbox').select('payload');
    expect(JSON.stringify(outbox)).not.to.contain('5555555555554444');
    // Even a body logged whole by mistake keeps the card out: payment-service registers its card keys.
    app.deps.logger.info({ body: { card } }, 'a careless log line');
    expect(logLines.at(-1)).to.contain('careless').and.contain('[REDACTED]');
    expect(logLines.join('\n')).not.to.contain('5555555555554444').and.not.to.contain('"987"');
  });

  it('publishes payment.succeeded through the outbox to subscribers, once', async () => {
    const { token, walletId, userId } = await customerWithWallet(app);
    const res = await pay(token, { method: 'card', amount: 2000, currency: 'usd', account: walletId, card: visa });
    while (await app.deps.relay.relayBatch());
    await app.deps.relay.relayBatch();
    const events = app.peers.events.filter((e) => e.data.id === res.body.id);
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ type: 'payment.succeeded' });
    expect(events[0]!.id).to.match(/^evt_/);
    expect(events[0]!.data).to.include({ customer: userId, amount: 2000, status: 'succeeded' });
  });

  it('answers 402 card_declined for a declined test card, records the failure, and moves no money', async () => {
    const { token, walletId } = await customerWithWallet(app);
    const res = await pay(token, {
      method: 'card',
      amount: 500,
      currency: 'usd',
      account: walletId,
      card: { ...visa, number: '4000000000000002' },
    });
    expect(res.status).to.equal(402);
    expect(res.body.error).to.include({ type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' });
    const payment = await app.db.knex('payments').where({ id: res.body.error.payment }).first();
    expect(payment).to.include({ status: 'failed', failure_code: 'generic_decline' });
    expect(app.peers.transfers.some((t) => t.body.to_account === walletId)).to.equal(false);
    while (await app.deps.relay.relayBatch());
    expect(app.peers.events.find((e) => e.data.id === payment.id)?.type).to.equal('payment.failed');
  });

  it('creates one payment and one ledger credit when the same Idempotency-Key is sent again, even concurrently', async () => {
    const { token, walletId } = await customerWithWallet(app);
    const body = { method: 'card', amount: 700, currency: 'usd', account: walletId, card: visa };
    const results = await Promise.all(Array.from({ length: 5 }, () => pay(token, body, `same-${walletId}`)));
    expect(results.every((r) => r.status === 201 || r.status === 409)).to.equal(true);
    const replay = await pay(token, body, `same-${walletId}`);
    expect(replay.status).to.equal(201);
    expect(replay.headers.get('idempotent-replayed')).to.equal('true');
    expect(
      await app.db
        .knex('payments')
        .where({ account_id: walletId })
        .count<{ c: number }[]>('* as c')
        .then((r) => Number(r[0]!.c)),
    ).to.equal(1);
    expect(app.peers.transfers.filter((t) => t.body.to_account === walletId)).to.have.length(1);
  });

  it('once the idempotency record is purged, the payment row still remembers the key: a replay, or 422 for another request', async () => {
    const { token, walletId } = await customerWithWallet(app);
    const key = `purged-${walletId}`;
    const body = {
      method: 'card',
      amount: 800,
      currency: 'usd',
      account: walletId,
      card: visa,
      description: 'Top-up',
      metadata: { order: '7' },
    };
    const first = await pay(token, body, key);
    expect(first.status).to.equal(201);
    const purge = async () => expect(await app.db.knex('idempotency_keys').where({ key }).del()).to.equal(1);
    await purge();
    const same = await pay(token, body, key);
    expect(same.status).to.equal(201);
    expect(same.body.id).to.equal(first.body.id);
    const others = [
      { ...body, amount: 900 },
      { ...body, card: { ...visa, number: '5555555555554444' } },
      { ...body, card: { ...visa, exp_year: visa.exp_year + 1 } },
      { ...body, description: 'other' },
      { ...body, metadata: { order: '8' } },
    ];
    for (const other of others) {
      await purge();
      const changed = await pay(token, other, key);
      expect(changed.status, JSON.stringify(other)).to.equal(422);
      expect(changed.body.error.code).to.equal('idempotency_key_reused');
      // The refusal is not stored under the key: the original request still gets its payment.
      expect((await pay(token, body, key)).body.id).to.equal(first.body.id);
    }
    expect(
      await app.db
        .knex('payments')
        .where({ account_id: walletId })
        .count<{ c: number }[]>('* as c')
        .then((r) => Number(r[0]!.c)),
    ).to.equal(1);
    expect(app.peers.transfers.filter((t) => t.body.to_account === walletId)).to.have.length(1);
  });

  it('answers 503 and releases the key when the ledger is down before anything is charged', async () => {
    const { token, walletId } = await customerWithWallet(app);
    const body = { method: 'card', amount: 900, currency: 'usd', account: walletId, card: visa };
    app.peers.ledgerDown = true;
    const down = await pay(token, body, `down-${walletId}`);
    expect(down.status).to.equal(503);
    expect(down.body.error.code).to.equal('upstream_unavailable');
    expect(await app.db.knex('payments').where({ account_id: walletId }).first()).to.equal(undefined);
    app.peers.ledgerDown = false;
    const retried = await pay(token, body, `down-${walletId}`);
    expect(retried.status).to.equal(201);
    expect(retried.body.status).to.equal('succeeded');
  });

  it('finishes a captured payment from the settlement job after the ledger comes back, backing off meanwhile', async () => {
    const { token, walletId } = await customerWithWallet(app);
    app.peers.transfersDown = true;
    const res = await pay(token, { method: 'card', amount: 1234, currency: 'usd', account: walletId, card: visa });
    expect(res.status).to.equal(201);
    expect(res.body.status).to.equal('processing');
    expect(res.body.ledger_transfer).to.equal(null);

    const row = () => app.db.knex('payments').where({ id: res.body.id }).first();
    const due = () =>
      app.db.knex('payments').where({ id: res.body.id }).update({ next_attempt_at: app.db.knex.fn.now() });
    await due();
    await app.deps.payments.workDue();
    const afterFailure = await row();
    expect(afterFailure).to.include({ status: 'processing', ledger_action: 'credit', attempts: 2 });
    // Backing off: the next attempt is scheduled in the future, so a pass now does nothing.
    expect(new Date(afterFailure.next_attempt_at).getTime()).to.be.greaterThan(Date.now());
    const requests = app.peers.transferRequests;
    await app.deps.payments.workDue();
    expect(app.peers.transferRequests).to.equal(requests);

    app.peers.transfersDown = false;
    await due();
    await app.deps.payments.workDue();
    const done = await call(app.url, 'GET', `/v1/payments/${res.body.id}`, { token });
    expect(done.body.status).to.equal('succeeded');
    expect(app.peers.transfers.filter((t) => t.body.to_account === walletId)).to.have.length(1);
    expect(app.peers.balance(walletId)).to.equal(1234);
    while (await app.deps.relay.relayBatch());
    expect(app.peers.events.filter((e) => e.data.id === res.body.id && e.type === 'payment.succeeded')).to.have.length(
      1,
    );
  });

  it("refuses a wallet that is not the caller's, or in another currency, and charges nothing", async () => {
    const alice = await customerWithWallet(app);
    const bob = await customerWithWallet(app, 'brl');
    const before = await countPayments();
    const theirs = await pay(alice.token, {
      method: 'card',
      amount: 100,
      currency: 'brl',
      account: bob.walletId,
      card: visa,
    });
    expect(theirs.status).to.equal(404);
    expect(theirs.body.error).to.include({ code: 'account_not_found', param: 'account' });
    const wrongCurrency = await pay(bob.token, {
      method: 'card',
      amount: 100,
      currency: 'usd',
      account: bob.walletId,
      card: visa,
    });
    expect(wrongCurrency.status).to.equal(400);
    expect(wrongCurrency.body.error).to.include({ code: 'currency_mismatch', param: 'currency' });
    expect(await countPayments()).to.equal(before);
  });

  it('answers 400 naming the field for bad input, and writes nothing', async () => {
    const { token, walletId } = await customerWithWallet(app);
    const base = { method: 'card', amount: 100, currency: 'usd', account: walletId, card: visa };
    const before = await countPayments();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...base, card: { ...visa, number: '4242424242424241' } }, 'parameter_invalid', 'card.number'],
      [{ ...base, card: { ...visa, exp_month: 13 } }, 'parameter_invalid', 'card.exp_month'],
      [{ ...base, card: { ...visa, cvc: '12' } }, 'parameter_invalid', 'card.cvc'],
      [{ ...base, method: 'cash' }, 'parameter_invalid', 'method'],
      [{ ...base, amount: 10.5 }, 'parameter_invalid', 'amount'],
      [{ ...base, account: undefined }, 'parameter_missing', 'account'],
      [{ ...base, tip: 5 }, 'parameter_unknown', 'tip'],
    ];
    for (const [body, code, param] of cases) {
      const res = await pay(token, body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error, JSON.stringify(body)).to.include({ code, param });
    }
    const noKey = await pay(token, base, null);
    expect(noKey.body.error.code).to.equal('idempotency_key_missing');
    expect((await pay('', base)).status).to.equal(401);
    expect((await pay(app.issuer.unsignedToken('usr_x'), base)).status).to.equal(401);
    expect(await countPayments()).to.equal(before);
  });

  it('answers 402 expired_card for a card past its expiry', async () => {
    const { token, walletId } = await customerWithWallet(app);
    const res = await pay(token, {
      method: 'card',
      amount: 100,
      currency: 'usd',
      account: walletId,
      card: { ...visa, exp_year: 2020 },
    });
    expect(res.status).to.equal(402);
    expect(res.body.error).to.include({ code: 'expired_card', param: 'card.exp_year' });
  });

  it('counts payments by method and status in /metrics', async () => {
    const counted = async (status: string) => {
      const text = (await call(app.url, 'GET', '/metrics')).text;
      const line = text
        .split('\n')
        .find((l) => /^payments_total\{/.test(l) && l.includes('method="card"') && l.includes(`status="${status}"`));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const before = { succeeded: await counted('succeeded'), failed: await counted('failed') };
    const { token, walletId } = await customerWithWallet(app);
    const body = { method: 'card', amount: 100, currency: 'usd', account: walletId };
    expect((await pay(token, { ...body, card: visa })).status).to.equal(201);
    expect((await pay(token, { ...body, card: { ...visa, number: '4000000000000002' } })).status).to.equal(402);
    expect(await counted('succeeded')).to.equal(before.succeeded + 1);
    expect(await counted('failed')).to.equal(before.failed + 1);
    expect((await call(app.url, 'GET', '/metrics')).text).to.match(
      /circuit_breaker_state\{[^}]*target="transaction-service"/,
    );
  });

  it('shows payments only to their customer, newest first', async () => {
    const alice = await customerWithWallet(app);
    const ids: string[] = [];
    for (const amount of [100, 200])
      ids.push(
        (await pay(alice.token, { method: 'card', amount, currency: 'usd', account: alice.walletId, card: visa })).body
          .id,
      );
    const list = await call(app.url, 'GET', '/v1/payments?limit=10', { token: alice.token });
    expect(list.body.data.map((p: { id: string }) => p.id)).to.deep.equal([ids[1], ids[0]]);
    const mallory = await customerWithWallet(app);
    expect((await call(app.url, 'GET', `/v1/payments/${ids[0]}`, { token: mallory.token })).status).to.equal(404);
    expect((await call(app.url, 'GET', '/v1/payments', { token: mallory.token })).body.data).to.deep.equal([]);
  });
});
