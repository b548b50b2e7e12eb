import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { call } from '@micropay/platform/testing';
import { eventually, newCustomer, PASSWORD, payByCard, TEST_CARD, useE2eStack } from './support';

describe('e2e: `npm start`, then a customer pays into a wallet across all four services', function () {
  this.timeout(240_000);
  const stack = useE2eStack();

  it('registers and logs in through the gateway, receiving RS256 tokens verifiable with the JWKS', async () => {
    const email = `e2e.${randomUUID()}@example.com`;
    const registered = await call(stack().gateway, 'POST', '/v1/auth/register', {
      body: { email, password: PASSWORD },
    });
    expect(registered.status).to.equal(201);
    const login = await call(stack().gateway, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(login.status).to.equal(200);
    expect(login.body).to.include.keys('access_token', 'refresh_token', 'token_type', 'expires_in');
    const { kid, alg } = decodeProtectedHeader(login.body.access_token);
    expect(alg).to.equal('RS256');
    const jwks = await call(stack().gateway, 'GET', '/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).to.include(kid);
  });

  it('opens a wallet with balance 0', async () => {
    const { token, wallet } = await newCustomer(stack(), 'wallet');
    const res = await call(stack().gateway, 'GET', `/v1/accounts/${wallet}`, { token });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ balance: 0, available: 0, currency: 'usd', type: 'wallet' });
  });

  it('pays by card: payment-service charges, the ledger credits the wallet, once per Idempotency-Key', async () => {
    const customer = await newCustomer(stack(), 'card');
    const key = randomUUID();
    const res = await payByCard(stack(), customer, 1050, key);
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ status: 'succeeded', amount: 1050 });
    expect(res.body.ledger_transfer).to.match(/^tr_/);

    const replay = await payByCard(stack(), customer, 1050, key);
    expect(replay.headers.get('idempotent-replayed')).to.equal('true');
    expect(replay.body.id).to.equal(res.body.id);

    const { token } = customer;
    const transfer = await call(stack().gateway, 'GET', `/v1/transfers/${res.body.ledger_transfer}`, { token });
    expect(transfer.body).to.include({ to_account: customer.wallet, amount: 1050, status: 'posted' });
    // The money came from the sandbox provider's clearing account, a system account the
    // customer may not read; an auditor (ledger:read) may.
    const auditor = await stack().serviceToken('payment-service', ['ledger:read']);
    const source = await call(stack().gateway, 'GET', `/v1/accounts/${transfer.body.from_account}`, { token: auditor });
    expect(source.body).to.include({ type: 'system', code: 'clearing:sandbox', currency: 'usd' });
    expect(source.body.balance, 'the clearing account is debited by what wallets were credited').to.be.at.most(-1050);
    expect(
      (await call(stack().gateway, 'GET', `/v1/accounts/${transfer.body.from_account}`, { token })).status,
    ).to.equal(404);
    const account = await call(stack().gateway, 'GET', `/v1/accounts/${customer.wallet}`, { token });
    expect(account.body, 'credited once, not once per request').to.include({ balance: 1050, available: 1050 });
  });

  it('shows a "payment succeeded" notification made from the payment event', async () => {
    const customer = await newCustomer(stack(), 'notified');
    const payment = await payByCard(stack(), customer, 1050);
    expect(payment.status).to.equal(201);
    const notification = await eventually(async () => {
      const res = await call(stack().gateway, 'GET', '/v1/notifications', { token: customer.token });
      // The in-app one: an email receipt for the same payment is listed too (channel "email").
      return res.body.data?.find(
        (n: { channel: string; data: { payment: string } }) =>
          n.channel === 'in_app' && n.data.payment === payment.body.id,
      );
    });
    expect(notification).to.include({ type: 'payment.succeeded', title: 'Payment succeeded' });
    expect(notification.body).to.contain('$10.50');
  });

  it('rejects bad input with 400 naming the field and a missing or forged token with 401, changing nothing', async () => {
    const customer = await newCustomer(stack(), 'refused');
    const { token, wallet } = customer;
    const paid = await payByCard(stack(), customer, 1050);
    const bad = await call(stack().gateway, 'POST', '/v1/payments', {
      token,
      body: { method: 'card', amount: -5, currency: 'usd', account: wallet, card: TEST_CARD },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error).to.include({ code: 'parameter_invalid', param: 'amount' });
    expect((await call(stack().gateway, 'GET', '/v1/payments')).status).to.equal(401);
    const forged = `${token.split('.').slice(0, 2).join('.')}.${'A'.repeat(342)}`;
    expect((await call(stack().gateway, 'GET', `/v1/accounts/${wallet}`, { token: forged })).status).to.equal(401);
    const payments = await call(stack().gateway, 'GET', '/v1/payments', { token });
    expect(payments.body.data.map((p: { id: string }) => p.id)).to.deep.equal([paid.body.id]);
    expect((await call(stack().gateway, 'GET', `/v1/accounts/${wallet}`, { token })).body.balance).to.equal(1050);
  });

  it('stops cleanly on Ctrl-C, and the next npm start finds the user, the signing key and the balance', async function () {
    this.timeout(240_000);
    const customer = await newCustomer(stack(), 'restart');
    expect((await payByCard(stack(), customer, 1050)).status).to.equal(201);
    await stack().restart();
    const { token, wallet, email } = customer;
    expect((await call(stack().gateway, 'GET', `/v1/accounts/${wallet}`, { token })).body.balance).to.equal(1050);
    const login = await call(stack().gateway, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(login.status).to.equal(200);
    expect(decodeProtectedHeader(login.body.access_token).kid).to.equal(decodeProtectedHeader(token).kid);
  });
});
