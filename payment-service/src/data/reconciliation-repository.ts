import type { Knex } from 'knex';
import type { Finding, ReconciliationStore } from '../domain/reconciliation';
import { toPayment } from './payment-repository';
import { toRefund, type RefundRow } from './refund-repository';

export class ReconciliationRepository implements ReconciliationStore {
  constructor(private readonly knex: Knex) {}

  async unreconciled(limit: number) {
    const payments = await this.knex('payments')
      .whereNull('reconciled_at')
      .whereIn('status', ['succeeded', 'canceled', 'failed'])
      .whereNull('ledger_action')
      .orderBy('updated_at')
      .limit(limit);
    const refunds = await this.knex('refunds')
      .whereNull('reconciled_at')
      .whereIn('status', ['succeeded', 'failed'])
      .orderBy('updated_at')
      .limit(limit);
    return {
      payments: payments.map(toPayment),
      refunds: refunds.map((r) => toRefund(r as RefundRow)),
    };
  }

  async stuck(olderThanSeconds: number): Promise<string[]> {
    const age = this.knex.raw('now() - make_interval(secs => ?)', [olderThanSeconds]);
    const payments = await this.knex('payments')
      .where({ status: 'processing' })
      .where('updated_at', '<', age)
      .limit(100)
      .pluck('id');
    const refunds = await this.knex('refunds')
      .where({ status: 'pending' })
      .where('updated_at', '<', age)
      .limit(100)
      .pluck('id');
    return [...payments, ...refunds];
  }

  async markReconciled(paymentIds: string[], refundIds: string[], findings: Finding[]) {
    await this.knex.transaction(async (trx) => {
      // reconciled_at only: updated_at keeps meaning "the payment changed".
      if (paymentIds.length) await trx('payments').whereIn('id', paymentIds).update({ reconciled_at: trx.fn.now() });
      if (refundIds.length) await trx('refunds').whereIn('id', refundIds).update({ reconciled_at: trx.fn.now() });
      if (findings.length) await trx('reconciliation_findings').insert(findings);
    });
  }

  async recentFindings(limit: number) {
    const rows = await this.knex('reconciliation_findings').orderBy('id', 'desc').limit(limit);
    return rows.map((r) => ({ subject: r.subject, kind: r.kind, detail: r.detail, foundAt: r.found_at }));
  }
}
