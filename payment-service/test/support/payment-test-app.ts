import type { Logger } from '@micropay/platform';
import { call, listen, startTestApp, type Listening, type TestApp } from '@micropay/platform/testing';
// The real sandbox provider, in-process on its own port: payment-service talks to it over HTTP
// with its API key and receives its signed webhooks, exactly as under `npm start`.
import { createSandboxApp } from '../../../local/src/sandbox/app';
import { SandboxPsp } from '../../../local/src/sandbox/sandbox-psp';
import { SandboxState } from '../../../local/src/sandbox/sandbox-state';
import { WebhookSender } from '../../../local/src/sandbox/webhook-sender';
import { createApp } from '../../src/app';
import { configSchema } from '../../src/config';
import { migrations } from '../../src/data/migrations';
import { cardLogSecrets } from '../../src/domain/card';
import { createDependencies, type Dependencies } from '../../src/dependencies';
import { FakePeers } from './fake-peers';

export const SANDBOX_API_KEY = 'sk_sandbox_test_0123456789';
export const SANDBOX_WEBHOOK_SECRET = 'w'.repeat(40);

export interface TestSandbox {
  url: string;
  psp: SandboxPsp;
  state: SandboxState;
  webhooks: WebhookSender;
  server: Listening;
  /** Makes every API call answer 503, as a PSP having an outage. */
  down: boolean;
  /** Makes every API call answer 422, as a PSP that declines to do business (risk rules, a closed account). */
  refusing: boolean;
}

export type PaymentTestApp = TestApp<Dependencies> & { peers: FakePeers; sandbox: TestSandbox };

async function startSandbox(webhookUrl: () => string, logger: Logger): Promise<TestSandbox> {
  const state = await SandboxState.open();
  const webhooks = new WebhookSender({ state, url: webhookUrl, secret: SANDBOX_WEBHOOK_SECRET, logger });
  const sandbox = { down: false, refusing: false } as TestSandbox;
  const psp = new SandboxPsp({
    state,
    config: {
      merchant: { pixKey: 'pix@micropay.example', name: 'MicroPay Test', city: 'Sao Paulo' },
      bankCode: '001',
      publicUrl: 'http://127.0.0.1:1',
    },
    notify: (event) => webhooks.enqueue(event),
  });
  const app = createSandboxApp({ psp, apiKey: SANDBOX_API_KEY, logger, isReady: () => true });
  const server = await listen((req, res) => {
    if (sandbox.down && !req.url?.startsWith('/v1/sandbox')) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"unavailable"}}');
      return;
    }
    if (sandbox.refusing && !req.url?.startsWith('/v1/sandbox')) {
      const body = '{"error":{"code":"merchant_blocked","message":"The provider refuses this merchant\'s charges."}}';
      res.writeHead(422, { 'content-type': 'application/json' }).end(body);
      return;
    }
    app(req, res);
  });
  webhooks.start();
  return Object.assign(sandbox, { url: server.url, psp, state, webhooks, server });
}

/** payment-service on a test database, with the real sandbox provider and its other peers faked on real HTTP. */
export async function startPaymentTestApp(
  options: { logger?: Logger; env?: Record<string, string> } = {},
): Promise<PaymentTestApp> {
  const peers = await FakePeers.start();
  let appUrl = '';
  const sandbox = await startSandbox(
    () => `${appUrl}/v1/provider-webhooks/sandbox`,
    options.logger ?? (await import('@micropay/platform')).createLogger({ service: 'sandbox', level: 'silent' }),
  );
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
      SANDBOX_URL: sandbox.url,
      SANDBOX_API_KEY,
      SANDBOX_WEBHOOK_SECRET,
      PEER_TIMEOUT_MS: '1000',
      ...options.env,
    },
    createDependencies: (infra, issuer) => createDependencies(infra, { verifier: issuer!.verifier() }),
    createApp,
    async onClose(deps) {
      await deps.providerEvents.stop();
      deps.peers.forEach((p) => p.shutdown());
      await sandbox.webhooks.stop();
      await sandbox.server.close();
      await peers.close();
    },
  });
  appUrl = app.url;
  return Object.assign(app, { peers, sandbox });
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

/** Runs the outbox relay until it has nothing left. */
export async function drainOutbox(app: PaymentTestApp): Promise<void> {
  while (await app.deps.relay.relayBatch());
}

/** Brings every faked or real peer back up: each test starts from a healthy neighbourhood. */
export function peersUp(app: PaymentTestApp): void {
  app.peers.ledgerDown = false;
  app.peers.transfersDown = false;
  app.sandbox.down = false;
  app.sandbox.refusing = false;
}

/** POST as a user with a fresh Idempotency-Key (or the one given; null sends none). */
export function poster(app: () => PaymentTestApp) {
  let n = 0;
  return (
    token: string,
    path: string,
    body: Record<string, unknown>,
    key: string | null = `key-${Date.now()}-${(n += 1)}`,
  ) => call(app().url, 'POST', path, { token, body, headers: key ? { 'idempotency-key': key } : {} });
}
