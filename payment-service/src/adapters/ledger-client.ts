import { LRUCache } from 'lru-cache';
import { AppError, commonErrors, type PeerClient, type PeerResponse } from '@micropay/platform';
import type { Payment } from '../domain/payment';
import type { Refund } from '../domain/refund';
import { LedgerRefusal, type LedgerGateway, type LedgerTransfer, type WalletInfo } from '../domain/ports';

interface TransferBody {
  id: string;
  status: LedgerTransfer['status'];
  amount: number;
  posted_amount: number | null;
  from_account: string;
  to_account: string;
  currency: string;
}

const toTransfer = (b: TransferBody): LedgerTransfer => ({
  id: b.id,
  status: b.status,
  amount: b.amount,
  postedAmount: b.posted_amount,
  fromAccount: b.from_account,
  toAccount: b.to_account,
  currency: b.currency,
});

/**
 * transaction-service over HTTP, through the peer client (breaker, timeout, retries for
 * idempotent calls, client-credentials token with ledger:read and ledger:write). Every movement
 * carries an Idempotency-Key derived from the payment or refund id, so however often a job
 * repeats it, the ledger applies it once.
 */
export class LedgerClient implements LedgerGateway {
  private readonly clearingAccounts = new Map<string, string>();
  /**
   * What a payment needs to know of an account (owner, type, currency) never changes once the
   * ledger made it, so it is asked once per account, not once per payment. Misses are not kept:
   * an account created a moment later is found then. Bounded; the least recently used go first.
   */
  private readonly accounts = new LRUCache<string, WalletInfo>({ max: 10_000 });

  constructor(private readonly peer: PeerClient) {}

  async findAccount(id: string): Promise<WalletInfo | undefined> {
    const known = this.accounts.get(id);
    if (known) return known;
    const res = await this.peer.request<WalletInfo>({ method: 'GET', path: `/v1/accounts/${encodeURIComponent(id)}` });
    if (res.status === 404) return undefined;
    this.expectOk(res, 'get account');
    const info = { id: res.body.id, owner: res.body.owner, type: res.body.type, currency: res.body.currency };
    this.accounts.set(id, info);
    return info;
  }

  async credit(payment: Payment) {
    const clearing = await this.clearingAccount(payment.provider, payment.currency);
    return this.transfer(`payment:${payment.id}`, {
      from_account: clearing,
      to_account: payment.accountId,
      amount: payment.amountReceived,
      currency: payment.currency,
      description: `${payment.method} payment ${payment.id}`,
      metadata: { payment_id: payment.id },
    });
  }

  async hold(payment: Payment, timeoutSeconds: number) {
    const clearing = await this.clearingAccount(payment.provider, payment.currency);
    return this.transfer(`payment-hold:${payment.id}`, {
      from_account: clearing,
      to_account: payment.accountId,
      amount: payment.amount,
      currency: payment.currency,
      pending: true,
      timeout_seconds: timeoutSeconds,
      description: `card authorisation ${payment.id}`,
      metadata: { payment_id: payment.id },
    });
  }

  async post(holdId: string, amount: number): Promise<LedgerTransfer> {
    const res = await this.peer.request<TransferBody>({
      method: 'POST',
      path: `/v1/transfers/${encodeURIComponent(holdId)}/post`,
      idempotencyKey: `post:${holdId}`,
      body: { amount },
    });
    if (res.status === 409) {
      const transfer = await this.getTransfer(holdId);
      if (transfer?.status === 'posted') return transfer;
      throw new LedgerRefusal('transfer_not_pending', 409, `hold ${holdId} is ${transfer?.status ?? 'missing'}`);
    }
    this.expectOk(res, 'post a hold');
    return toTransfer(res.body);
  }

  async void(holdId: string): Promise<void> {
    const res = await this.peer.request({
      method: 'POST',
      path: `/v1/transfers/${encodeURIComponent(holdId)}/void`,
      idempotencyKey: `void:${holdId}`,
      body: {},
    });
    if (res.status === 409) {
      const transfer = await this.getTransfer(holdId);
      if (transfer?.status === 'voided') return;
      throw new LedgerRefusal('transfer_not_pending', 409, `hold ${holdId} is ${transfer?.status ?? 'missing'}`);
    }
    this.expectOk(res, 'void a hold');
  }

  async debitForRefund(refund: Refund, payment: Payment) {
    const clearing = await this.clearingAccount(payment.provider, payment.currency);
    return this.transfer(`refund:${refund.id}`, {
      from_account: payment.accountId,
      to_account: clearing,
      amount: refund.amount,
      currency: refund.currency,
      description: `refund ${refund.id} of ${payment.id}`,
      metadata: { payment_id: payment.id, refund_id: refund.id },
    });
  }

  async reverseRefund(refund: Refund, payment: Payment) {
    const clearing = await this.clearingAccount(payment.provider, payment.currency);
    return this.transfer(`refund-reversal:${refund.id}`, {
      from_account: clearing,
      to_account: payment.accountId,
      amount: refund.amount,
      currency: refund.currency,
      description: `refund ${refund.id} of ${payment.id} reversed: the provider refused the payout`,
      metadata: { payment_id: payment.id, refund_id: refund.id },
    });
  }

  async getTransfer(id: string): Promise<LedgerTransfer | undefined> {
    const res = await this.peer.request<TransferBody>({
      method: 'GET',
      path: `/v1/transfers/${encodeURIComponent(id)}`,
    });
    if (res.status === 404) return undefined;
    this.expectOk(res, 'get a transfer');
    return toTransfer(res.body);
  }

  private async transfer(idempotencyKey: string, body: Record<string, unknown>) {
    const res = await this.peer.request<{ id: string }>({
      method: 'POST',
      path: '/v1/transfers',
      idempotencyKey,
      body,
    });
    this.expectOk(res, 'move money');
    return { transferId: res.body.id };
  }

  /** The provider's clearing account in a currency: where money arriving from outside is counted. */
  private async clearingAccount(provider: string, currency: string): Promise<string> {
    const key = `${provider}:${currency}`;
    const cached = this.clearingAccounts.get(key);
    if (cached) return cached;
    const res = await this.peer.request<{ id: string }>({
      method: 'POST',
      path: '/v1/system-accounts',
      idempotencyKey: `clearing:${key}`, // get-or-create is safe to retry
      body: { code: `clearing:${provider}`, currency },
    });
    this.expectOk(res, 'get clearing account');
    this.clearingAccounts.set(key, res.body.id);
    return res.body.id;
  }

  /** A 4xx is the ledger's answer (LedgerRefusal); anything else means it could not be asked. */
  private expectOk(res: PeerResponse, what: string): void {
    if (res.status >= 200 && res.status < 300) return;
    const error = (res.body as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status >= 400 && res.status < 500) {
      throw new LedgerRefusal(
        error?.code ?? 'ledger_refused',
        res.status,
        error?.message ?? `ledger refused to ${what}`,
      );
    }
    throw new AppError(
      commonErrors.upstream_unavailable.code,
      503,
      `transaction-service could not ${what} (${res.status}).`,
      {
        cause: new Error(JSON.stringify(res.body)),
      },
    );
  }
}
