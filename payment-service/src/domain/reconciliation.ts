import type { Logger } from '@micropay/platform';
import type { Payment } from './payment';
import type { LedgerGateway, PaymentObserver } from './ports';
import type { Refund } from './refund';

export interface Finding {
  subject: string;
  kind:
    'missing_transfer' | 'amount_mismatch' | 'account_mismatch' | 'transfer_not_posted' | 'hold_not_released' | 'stuck';
  detail: string;
}

export interface ReconciliationStore {
  /** Ended payments and refunds not yet compared with the ledger, oldest first. */
  unreconciled(limit: number): Promise<{ payments: Payment[]; refunds: Refund[] }>;
  /** Payments still processing (or refunds pending) for longer than `olderThanSeconds`. */
  stuck(olderThanSeconds: number): Promise<string[]>;
  markReconciled(paymentIds: string[], refundIds: string[], findings: Finding[]): Promise<void>;
  recentFindings(limit: number): Promise<(Finding & { foundAt: Date })[]>;
}

/**
 * Compares what payment-service believes with what the ledger holds: each succeeded payment has a
 * posted transfer into its wallet for the amount received; each canceled authorisation's hold
 * was voided; each succeeded refund has its transfer out of the wallet. Anything else is drift,
 * recorded as a finding and counted in a metric that pages someone.
 */
export class Reconciliation {
  constructor(
    private readonly deps: {
      store: ReconciliationStore;
      ledger: LedgerGateway;
      logger: Logger;
      observer?: PaymentObserver;
    },
  ) {}

  async run(batchSize = 100): Promise<{ checked: number; findings: Finding[] }> {
    const { payments, refunds } = await this.deps.store.unreconciled(batchSize);
    const findings: Finding[] = [];
    for (const payment of payments) findings.push(...(await this.checkPayment(payment)));
    for (const refund of refunds) findings.push(...(await this.checkRefund(refund)));
    await this.deps.store.markReconciled(
      payments.map((p) => p.id),
      refunds.map((r) => r.id),
      findings,
    );
    // Stuck work is reported on every run while it lasts, and not stored (it is not drift yet).
    for (const id of await this.deps.store.stuck(15 * 60)) {
      findings.push({
        subject: id,
        kind: 'stuck',
        detail: 'still waiting for the ledger or provider after 15 minutes',
      });
    }
    if (findings.length > 0) this.deps.logger.error({ findings }, 'reconciliation found drift');
    this.deps.observer?.reconciliation(findings.length);
    return { checked: payments.length + refunds.length, findings };
  }

  private async checkPayment(p: Payment): Promise<Finding[]> {
    if (p.status === 'succeeded') {
      if (!p.ledgerTransferId)
        return [{ subject: p.id, kind: 'missing_transfer', detail: 'succeeded without a ledger transfer' }];
      const t = await this.deps.ledger.getTransfer(p.ledgerTransferId);
      if (!t)
        return [{ subject: p.id, kind: 'missing_transfer', detail: `ledger has no transfer ${p.ledgerTransferId}` }];
      const findings: Finding[] = [];
      const moved = t.status === 'posted' ? (t.postedAmount ?? t.amount) : 0;
      if (t.status !== 'posted')
        findings.push({ subject: p.id, kind: 'transfer_not_posted', detail: `${t.id} is ${t.status}` });
      else if (moved !== p.amountReceived)
        findings.push({
          subject: p.id,
          kind: 'amount_mismatch',
          detail: `ledger moved ${moved}, payment received ${p.amountReceived}`,
        });
      if (t.toAccount !== p.accountId)
        findings.push({
          subject: p.id,
          kind: 'account_mismatch',
          detail: `${t.id} credited ${t.toAccount}, not ${p.accountId}`,
        });
      return findings;
    }
    if (p.ledgerHoldId) {
      const t = await this.deps.ledger.getTransfer(p.ledgerHoldId);
      if (t?.status === 'pending')
        return [{ subject: p.id, kind: 'hold_not_released', detail: `${t.id} is still pending` }];
    }
    return [];
  }

  private async checkRefund(r: Refund): Promise<Finding[]> {
    if (r.status !== 'succeeded') return [];
    const t = r.ledgerTransferId ? await this.deps.ledger.getTransfer(r.ledgerTransferId) : undefined;
    if (!t)
      return [{ subject: r.id, kind: 'missing_transfer', detail: 'succeeded refund without its ledger transfer' }];
    if (t.amount !== r.amount)
      return [{ subject: r.id, kind: 'amount_mismatch', detail: `ledger moved ${t.amount}, refund is ${r.amount}` }];
    return [];
  }
}
