import type { Logger } from '@micropay/platform';
import { startTestApp, type TestApp } from '@micropay/platform/testing';
import { createApp } from '../../src/app';
import { configSchema } from '../../src/config';
import { migrations } from '../../src/data/migrations';
import { cardLogSecrets } from '../../src/domain/card';
import { createDependencies, type Dependencies } from '../../src/dependencies';
import { FakePeers } from './fake-peers';

export type PaymentTestApp = TestApp<Dependencies> & { peers: FakePeers };

/** payment-service on a test database, with its peers faked on real HTTP. */
export async function startPaymentTestApp(options: { logger?: Logger } = {}): Promise<PaymentTestApp> {
  const peers = await FakePeers.start();
  const app = await startTestApp({
    service: 'payment-service',
    configSchema,
    migrations,
    logSecrets: cardLogSecrets,
    logger: options.logger,
    env: {
      OAUTH_CLIENT_ID: 'payment-service',
      OAUTH_CLIENT_SECRET: 's'.repeat(40),
      OAUTH_TOKEN_URL: `${peers.url}/oauth2/token`,
      TRANSACTION_SERVICE_URL: peers.url,
      NOTIFICATION_SERVICE_URL: peers.url,
      CARD_FINGERPRINT_SECRET: 'f'.repeat(40),
      PEER_TIMEOUT_MS: '1000',
    },
    createDependencies: (infra, issuer) => createDependencies(infra, { verifier: issuer!.verifier() }),
    createApp,
    async onClose(deps) {
      deps.peers.forEach((p) => p.shutdown());
      await peers.close();
    },
  });
  return Object.assign(app, { peers });
}

let n = 0;
/** A user who owns a wallet in the fake ledger. */
export async function customerWithWallet(app: PaymentTestApp, currency = 'usd') {
  n += 1;
  const userId = `usr_PAYTEST${Date.now()}${n}`;
  const walletId = `acct_${String(Date.now()).padStart(20, '0')}${String(n).padStart(6, '0')}`;
  app.peers.wallets.set(walletId, { id: walletId, owner: userId, type: 'wallet', currency });
  return { userId, walletId, token: await app.issuer.userToken(userId) };
}

export const visa = { number: '4242424242424242', exp_month: 12, exp_year: new Date().getFullYear() + 2, cvc: '123' };
