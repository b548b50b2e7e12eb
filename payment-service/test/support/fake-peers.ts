import express from 'express';
import { listen, type Listening } from '@micropay/platform/testing';

export interface FakeTransfer {
  id: string;
  idempotencyKey: string;
  status: 'posted' | 'pending' | 'voided';
  postedAmount: number | null;
  body: {
    from_account: string;
    to_account: string;
    amount: number;
    currency: string;
    pending?: boolean;
    metadata?: Record<string, string>;
  };
}

/**
 * Stand-ins for payment-service's peers on real HTTP: the token endpoint (auth-service), a small
 * ledger (transaction-service: balances, holds that are posted or voided once, 402 when a wallet
 * lacks the money) and an event subscriber (notification-service). `ledgerDown` makes the
 * ledger answer 503, as an overloaded or restarting peer does; `transfersDown` fails only money
 * movements, after the wallet lookup has worked. The e2e journeys run the real ledger.
 */
export class FakePeers {
  readonly wallets = new Map<string, { id: string; owner: string; type: 'wallet'; currency: string }>();
  readonly balances = new Map<string, number>();
  readonly transfers: FakeTransfer[] = [];
  readonly events: { id: string; type: string; data: Record<string, unknown> }[] = [];
  readonly tokenRequests: string[] = [];
  /** Every money-moving request the ledger received, including refused and repeated ones. */
  transferRequests = 0;
  ledgerDown = false;
  transfersDown = false;
  private constructor(readonly server: Listening) {}

  get url(): string {
    return this.server.url;
  }

  balance(account: string): number {
    return this.balances.get(account) ?? 0;
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
    const present = (t: FakeTransfer) => ({
      id: t.id,
      object: 'transfer',
      status: t.status,
      amount: t.body.amount,
      posted_amount: t.postedAmount,
      from_account: t.body.from_account,
      to_account: t.body.to_account,
      currency: t.body.currency,
    });
    const move = (from: string, to: string, amount: number) => {
      peers.balances.set(from, peers.balance(from) - amount);
      peers.balances.set(to, peers.balance(to) + amount);
    };
    app.post('/v1/transfers', (req, res) => {
      peers.transferRequests += 1;
      if (peers.transfersDown) {
        res.status(503).json({ error: { code: 'service_unavailable' } });
        return;
      }
      const key = String(req.get('idempotency-key'));
      const existing = peers.transfers.find((t) => t.idempotencyKey === key);
      if (existing) {
        res.status(201).set('Idempotent-Replayed', 'true').json(present(existing));
        return;
      }
      const body = req.body as FakeTransfer['body'];
      if (peers.wallets.has(body.from_account) && peers.balance(body.from_account) < body.amount) {
        res.status(402).json({ error: { code: 'insufficient_funds', message: 'not enough money' } });
        return;
      }
      const transfer: FakeTransfer = {
        id: `tr_${String(peers.transfers.length + 1).padStart(26, '0')}`,
        idempotencyKey: key,
        status: body.pending ? 'pending' : 'posted',
        postedAmount: body.pending ? null : body.amount,
        body,
      };
      if (!body.pending) move(body.from_account, body.to_account, body.amount);
      peers.transfers.push(transfer);
      res.status(201).json(present(transfer));
    });
    app.get('/v1/transfers/:id', (req, res) => {
      const t = peers.transfers.find((x) => x.id === req.params.id);
      if (!t) res.status(404).json({ error: { code: 'transfer_not_found' } });
      else res.json(present(t));
    });
    app.post('/v1/transfers/:id/:action', (req, res) => {
      peers.transferRequests += 1;
      if (peers.transfersDown) {
        res.status(503).json({ error: { code: 'service_unavailable' } });
        return;
      }
      const t = peers.transfers.find((x) => x.id === req.params.id);
      if (!t) return void res.status(404).json({ error: { code: 'transfer_not_found' } });
      if (t.status !== 'pending') return void res.status(409).json({ error: { code: 'transfer_not_pending' } });
      if (req.params.action === 'post') {
        t.status = 'posted';
        t.postedAmount = req.body.amount ?? t.body.amount;
        move(t.body.from_account, t.body.to_account, t.postedAmount!);
      } else t.status = 'voided';
      res.json(present(t));
    });
    app.post('/internal/events', (req, res) => {
      if (!peers.events.some((e) => e.id === req.body.id)) peers.events.push(req.body);
      res.status(202).json({ received: true });
    });
    app.post('/internal/event-batches', (req, res) => {
      const data = (req.body.events as Array<{ id: string }>).map((event) => {
        const duplicate = peers.events.some((e) => e.id === event.id);
        if (!duplicate) peers.events.push(event as never);
        return { id: event.id, status: duplicate ? 'duplicate' : 'accepted' };
      });
      res.json({ object: 'list', data });
    });
    peers = new FakePeers(await listen(app));
    return peers;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
