import express from 'express';
import { listen, type Listening } from '@micropay/platform/testing';

export interface FakeTransfer {
  id: string;
  idempotencyKey: string;
  body: {
    from_account: string;
    to_account: string;
    amount: number;
    currency: string;
    metadata?: Record<string, string>;
  };
}

/**
 * Stand-ins for payment-service's peers on real HTTP: the token endpoint (auth-service), the
 * ledger (transaction-service) and an event subscriber (notification-service). `ledgerDown`
 * makes the ledger answer 503, as an overloaded or restarting peer does;
 * `transfersDown` fails only the credit, after the wallet lookup has worked.
 */
export class FakePeers {
  readonly wallets = new Map<string, { id: string; owner: string; type: 'wallet'; currency: string }>();
  readonly transfers: FakeTransfer[] = [];
  readonly events: { id: string; type: string; data: Record<string, unknown> }[] = [];
  readonly tokenRequests: string[] = [];
  ledgerDown = false;
  /** Only transfers fail: the wallet lookup works, the credit does not. */
  transfersDown = false;
  private constructor(readonly server: Listening) {}

  get url(): string {
    return this.server.url;
  }

  static async start(): Promise<FakePeers> {
    const app = express();
    // eslint-disable-next-line prefer-const
    let peers: FakePeers;
    app.use(express.json());
    app.use(express.urlencoded({ extended: false }));
    app.post('/oauth2/token', (req, res) => {
      peers.tokenRequests.push(String(req.get('authorization')));
      res.json({ access_token: 'fake.service.token', token_type: 'Bearer', expires_in: 3600 });
    });
    app.use('/v1', (_req, res, next) => {
      if (peers.ledgerDown) res.status(503).json({ error: { code: 'service_unavailable' } });
      else next();
    });
    app.get('/v1/accounts/:id', (req, res) => {
      const wallet = peers.wallets.get(req.params.id);
      if (!wallet) res.status(404).json({ error: { code: 'account_not_found' } });
      else
        res.json({
          object: 'account',
          owner: wallet.owner,
          type: wallet.type,
          currency: wallet.currency,
          id: wallet.id,
        });
    });
    app.post('/v1/system-accounts', (req, res) => {
      res
        .status(200)
        .json({ id: `acct_CLEARING${String(req.body.currency).toUpperCase()}00000000000000`, type: 'system' });
    });
    app.post('/v1/transfers', (req, res) => {
      if (peers.transfersDown) {
        res.status(503).json({ error: { code: 'service_unavailable' } });
        return;
      }
      const key = String(req.get('idempotency-key'));
      const existing = peers.transfers.find((t) => t.idempotencyKey === key);
      if (existing) {
        res.status(201).set('Idempotent-Replayed', 'true').json({ id: existing.id });
        return;
      }
      const transfer = {
        id: `tr_${String(peers.transfers.length + 1).padStart(26, '0')}`,
        idempotencyKey: key,
        body: req.body,
      };
      peers.transfers.push(transfer);
      res.status(201).json({ id: transfer.id });
    });
    app.post('/internal/events', (req, res) => {
      if (!peers.events.some((e) => e.id === req.body.id)) peers.events.push(req.body);
      res.status(202).json({ received: true });
    });
    peers = new FakePeers(await listen(app));
    return peers;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
