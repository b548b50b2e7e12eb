import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { call } from '@micropay/platform/testing';
import { eventually, useE2eStack } from './support';

describe('e2e: `npm start`, then a customer pays into a wallet across all four services', function () {
  this.timeout(240_000);
  const stack = useE2eStack();
  const email = `e2e.${Date.now()}@example.com`;
  const password = 'correct horse battery';
  let token: string;
  let walletId: string;
  let paymentId: string;

  it('registers and logs in through the gateway, receiving RS256 tokens verifiable with the JWKS', async () => {
    const registered = await call(stack().gateway, 'POST', '/v1/auth/register', { body: { email, password } });
    expect(registered.status).to.equal(201);
    const login = await call(stack().gateway, 'POST', '/v1/auth/login', { body: { email, password } });
    expect(login.status).to.equal(200);
    expect(login.body).to.include.keys('access_token', 'refresh_token', 'token_type', 'expires_in');
    token = login.body.access_token;
    const { kid, alg } = decodeProtectedHeader(token);
    expect(alg).to.equal('RS256');
    const jwks = await call(stack().gateway, 'GET', '/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).to.include(kid);
  });

  it('opens a wallet with balance 0', async () => {
    const res = await call(stack().gateway, 'POST', '/v1/accounts', { token, body: { currency: 'usd' } });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ balance: 0, currency: 'usd' });
    walletId = res.body.id;
  });

  it('pays by card: payment-service charges, the ledger credits the wallet, once per Idempotency-Key', async () => {
    const key = randomUUID();
    const body = {
      method: 'card',
      amount: 1050,
      currency: 'usd',
      account: walletId,
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
    };
    const res = await call(stack().gateway, 'POST', '/v1/payments', {
      token,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ status: 'succeeded', amount: 1050 });
    expect(res.body.ledger_transfer).to.match(/^tr_/);
    paymentId = res.body.id;

    const replay = await call(stack().gateway, 'POST', '/v1/payments', {
      token,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(replay.headers.get('idempotent-replayed')).to.equal('true');
    expect(replay.body.id).to.equal(paymentId);

    const transfer = await call(stack().gateway, 'GET', `/v1/transfers/${res.body.ledger_transfer}`, { token });
    expect(transfer.body).to.include({ to_account: walletId, amount: 1050, status: 'posted' });
    // The money came from the sandbox provider's clearing account, a system account the
    // customer may not read; an auditor (ledger:read) may.
    const auditor = await stack().serviceToken('payment-service', ['ledger:read']);
    const source = await call(stack().gateway, 'GET', `/v1/accounts/${transfer.body.from_account}`, { token: auditor });
    expect(source.body).to.include({ type: 'system', code: 'clearing:sandbox', currency: 'usd' });
    expect(source.body.balance, 'the clearing account is debited by what wallets were credited').to.be.at.most(-1050);
    expect(
      (await call(stack().gateway, 'GET', `/v1/accounts/${transfer.body.from_account}`, { token })).status,
    ).to.equal(404);
  });

  it('shows the new balance and a "payment succeeded" notification made from the payment event', async () => {
    const account = await call(stack().gateway, 'GET', `/v1/accounts/${walletId}`, { token });
    expect(account.body).to.include({ balance: 1050, available: 1050 });
    const notification = await eventually(async () => {
      const res = await call(stack().gateway, 'GET', '/v1/notifications', { token });
      return res.body.data?.find((n: { data: { payment: string } }) => n.data.payment === paymentId);
    });
    expect(notification).to.include({ type: 'payment.succeeded', title: 'Payment succeeded' });
    expect(notification.body).to.contain('$10.50');
  });

  it('rejects bad input with 400 naming the field and a missing or forged token with 401, changing nothing', async () => {
    const bad = await call(stack().gateway, 'POST', '/v1/payments', {
      token,
      body: {
        method: 'card',
        amount: -5,
        currency: 'usd',
        account: walletId,
        card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
      },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error).to.include({ code: 'parameter_invalid', param: 'amount' });
    expect((await call(stack().gateway, 'GET', '/v1/payments')).status).to.equal(401);
    const forged = `${token.split('.').slice(0, 2).join('.')}.${'A'.repeat(342)}`;
    expect((await call(stack().gateway, 'GET', `/v1/accounts/${walletId}`, { token: forged })).status).to.equal(401);
    const payments = await call(stack().gateway, 'GET', '/v1/payments', { token });
    expect(payments.body.data.map((p: { id: string }) => p.id)).to.deep.equal([paymentId]);
    expect((await call(stack().gateway, 'GET', `/v1/accounts/${walletId}`, { token })).body.balance).to.equal(1050);
  });

  it('stops cleanly on Ctrl-C, and the next npm start finds the user, the signing key and the balance', async function () {
    this.timeout(240_000);
    await stack().restart();
    expect((await call(stack().gateway, 'GET', `/v1/accounts/${walletId}`, { token })).body.balance).to.equal(1050);
    const login = await call(stack().gateway, 'POST', '/v1/auth/login', { body: { email, password } });
    expect(login.status).to.equal(200);
    expect(decodeProtectedHeader(login.body.access_token).kid).to.equal(decodeProtectedHeader(token).kid);
  });
});
