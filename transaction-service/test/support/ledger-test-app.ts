import { call, startTestApp, type TestApp } from '@micropay/platform/testing';
import { createApp } from '../../src/app';
import { configSchema } from '../../src/config';
import { migrations } from '../../src/data/migrations';
import { createDependencies, type Dependencies } from '../../src/dependencies';

export type LedgerTestApp = TestApp<Dependencies>;

/** transaction-service on a test database, trusting a test issuer's real RS256 tokens. */
export function startLedgerTestApp(): Promise<LedgerTestApp> {
  return startTestApp({
    service: 'transaction-service',
    configSchema,
    migrations,
    // Its client for pushing account.balance_changed; the relay is not started in these tests.
    env: { OAUTH_CLIENT_ID: 'transaction-service', OAUTH_CLIENT_SECRET: 'test-secret-0123456789' },
    createDependencies: (infra, issuer) => createDependencies(infra, { verifier: issuer!.verifier() }),
    createApp,
  });
}

let users = 0;
export const newUserId = () => `usr_TEST${Date.now()}${(users += 1)}`;

/** A user with a token and a wallet holding `funds` (credited from a system account by a client). */
export async function fundedWallet(app: LedgerTestApp, funds: number, currency = 'usd') {
  const userId = newUserId();
  const token = await app.issuer.userToken(userId);
  const wallet = (await call(app.url, 'POST', '/v1/accounts', { token, body: { currency } })).body;
  if (funds > 0) {
    const client = await app.issuer.clientToken('payment-service', ['ledger:write', 'ledger:read']);
    const clearing = (
      await call(app.url, 'POST', '/v1/system-accounts', { token: client, body: { code: 'clearing:test', currency } })
    ).body;
    const res = await call(app.url, 'POST', '/v1/transfers', {
      token: client,
      body: { from_account: clearing.id, to_account: wallet.id, amount: funds, currency },
      headers: { 'idempotency-key': `fund-${wallet.id}` },
    });
    if (res.status !== 201) throw new Error(`funding failed: ${JSON.stringify(res.body)}`);
  }
  return { userId, token, wallet };
}

let keys = 0;
/** POST /v1/transfers with a fresh Idempotency-Key unless one is given. */
export const transfer = (
  app: LedgerTestApp,
  token: string,
  body: Record<string, unknown>,
  key = `k-${Date.now()}-${(keys += 1)}`,
) => call(app.url, 'POST', '/v1/transfers', { token, body, headers: { 'idempotency-key': key } });

/** A service client that may move money to and from system accounts and read everything. */
export const ledgerClient = (app: LedgerTestApp) =>
  app.issuer.clientToken('payment-service', ['ledger:write', 'ledger:read']);

/** The ledger's own verification report, asked for as a ledger:read client. */
export async function verify(app: LedgerTestApp) {
  const res = await call(app.url, 'GET', '/v1/ledger/verify', {
    token: await app.issuer.clientToken('auditor', ['ledger:read']),
  });
  if (res.status !== 200) throw new Error(`verify failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as {
    ok: boolean;
    discrepancies: unknown[];
    currencies: { currency: string; balance_total: number | string }[];
  };
}

export const balanceOf = async (app: LedgerTestApp, accountId: string) =>
  (await call(app.url, 'GET', `/v1/accounts/${accountId}`, { token: await ledgerClient(app) })).body as {
    balance: number;
    pending_debits: number;
    pending_credits: number;
    available: number;
  };
