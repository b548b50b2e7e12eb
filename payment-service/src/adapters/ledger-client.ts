import { AppError, commonErrors, type PeerClient } from '@micropay/platform';
import type { Payment } from '../domain/payment';
import type { LedgerGateway, WalletInfo } from '../domain/ports';

/**
 * transaction-service over HTTP, through the peer client (breaker, timeout, retries for
 * idempotent calls, client-credentials token with ledger:read and ledger:write).
 */
export class LedgerClient implements LedgerGateway {
  private readonly clearingAccounts = new Map<string, string>();

  constructor(private readonly peer: PeerClient) {}

  async findAccount(id: string): Promise<WalletInfo | undefined> {
    const res = await this.peer.request<{
      id: string;
      owner: string | null;
      type: 'wallet' | 'system';
      currency: string;
    }>({
      method: 'GET',
      path: `/v1/accounts/${encodeURIComponent(id)}`,
    });
    if (res.status === 404) return undefined;
    this.expectOk(res.status, res.body, 'get account');
    return { id: res.body.id, owner: res.body.owner, type: res.body.type, currency: res.body.currency };
  }

  async creditWallet(payment: Payment): Promise<{ transferId: string }> {
    const clearing = await this.clearingAccount(payment.provider, payment.currency);
    const res = await this.peer.request<{ id: string }>({
      method: 'POST',
      path: '/v1/transfers',
      // The payment id is the key: however many times this runs, the ledger credits once.
      idempotencyKey: `payment:${payment.id}`,
      body: {
        from_account: clearing,
        to_account: payment.accountId,
        amount: payment.amount,
        currency: payment.currency,
        description: `${payment.method} payment ${payment.id}`,
        metadata: { payment_id: payment.id },
      },
    });
    this.expectOk(res.status, res.body, 'credit wallet');
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
    this.expectOk(res.status, res.body, 'get clearing account');
    this.clearingAccounts.set(key, res.body.id);
    return res.body.id;
  }

  private expectOk(status: number, body: unknown, what: string): void {
    if (status >= 200 && status < 300) return;
    throw new AppError(
      commonErrors.upstream_unavailable.code,
      503,
      `transaction-service refused to ${what} (${status}).`,
      { cause: new Error(JSON.stringify(body)) },
    );
  }
}
