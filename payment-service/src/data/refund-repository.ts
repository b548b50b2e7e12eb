import type { Knex } from 'knex';
import { enqueueEvent, keysetPage, type PageRequest } from '@micropay/platform';
import type { EventOf, RefundStore } from '../domain/ports';
import type { Payment } from '../domain/payment';
import type { Refund } from '../domain/refund';
import { toPayment } from './payment-repository';

export interface RefundRow {
  id: string;
  payment_id: string;
  customer_id: string;
  amount: string | number;
  currency: string;
  status: Refund['status'];
  reason: Refund['reason'];
  failure_code: string | null;
  idempotency_key: string;
  ledger_transfer_id: string | null;
  provider_refund_id: string | null;
  action: Refund['action'];
  attempts: number;
  next_attempt_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const toRefund = (r: RefundRow): Refund => ({
  id: r.id,
  paymentId: r.payment_id,
  customerId: r.customer_id,
  amount: Number(r.amount),
  currency: r.currency,
  status: r.status,
  reason: r.reason,
  failureCode: r.failure_code,
  idempotencyKey: r.idempotency_key,
  ledgerTransferId: r.ledger_transfer_id,
  providerRefundId: r.provider_refund_id,
  action: r.action,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const COLUMNS = {
  status: 'status',
  reason: 'reason',
  failureCode: 'failure_code',
  ledgerTransferId: 'ledger_transfer_id',
  providerRefundId: 'provider_refund_id',
  action: 'action',
  attempts: 'attempts',
  nextAttemptAt: 'next_attempt_at',
} as const;

export class RefundRepository implements RefundStore {
  constructor(private readonly knex: Knex) {}

  reserve(paymentId: string, decide: (payment: Payment) => { ok: true; refund: Refund } | { ok: false; error: Error }) {
    return this.knex.transaction(async (trx) => {
      // The row lock makes parallel refunds of one payment take turns at this check.
      const row = await trx('payments').where({ id: paymentId }).forUpdate().first();
      const decision = decide(toPayment(row));
      if (!decision.ok) throw decision.error;
      const r = decision.refund;
      const [inserted] = await trx('refunds')
        .insert({
          id: r.id,
          payment_id: r.paymentId,
          customer_id: r.customerId,
          amount: r.amount,
          currency: r.currency,
          status: r.status,
          reason: r.reason,
          idempotency_key: r.idempotencyKey,
          action: r.action,
          attempts: r.attempts,
          next_attempt_at: r.nextAttemptAt,
        })
        .returning('*');
      await trx('payments')
        .where({ id: paymentId })
        .update({ amount_refunded: trx.raw('amount_refunded + ?', [r.amount]), updated_at: trx.fn.now() });
      return toRefund(inserted as RefundRow);
    });
  }

  async findById(id: string) {
    const row = await this.knex<RefundRow>('refunds').where({ id }).first();
    return row ? toRefund(row) : undefined;
  }

  async findByIdempotencyKey(customerId: string, key: string) {
    const row = await this.knex<RefundRow>('refunds').where({ customer_id: customerId, idempotency_key: key }).first();
    return row ? toRefund(row) : undefined;
  }

  async listForCustomer(customerId: string, page: PageRequest, paymentId?: string) {
    let query = this.knex('refunds').where({ customer_id: customerId });
    if (paymentId) query = query.where({ payment_id: paymentId });
    const result = await keysetPage<RefundRow>(query, page);
    return { data: result.data.map(toRefund), hasMore: result.hasMore };
  }

  update(id: string, changes: Parameters<RefundStore['update']>[1], event?: EventOf<Refund>) {
    return this.knex.transaction(async (trx) => {
      const columns: Record<string, unknown> = { updated_at: trx.fn.now() };
      for (const [key, column] of Object.entries(COLUMNS)) {
        const value = (changes as Record<string, unknown>)[key];
        if (value !== undefined) columns[column] = value;
      }
      const [row] = await trx('refunds').where({ id, status: 'pending' }).update(columns).returning('*');
      if (!row) return undefined;
      const refund = toRefund(row as RefundRow);
      if (refund.status === 'failed') {
        // A failed refund moved nothing (or was reversed): its reservation goes back to the payment.
        await trx('payments')
          .where({ id: refund.paymentId })
          .update({ amount_refunded: trx.raw('amount_refunded - ?', [refund.amount]), updated_at: trx.fn.now() });
      }
      if (event) {
        const { type, data } = event(refund);
        await enqueueEvent(trx, 'payment-service', type, data);
      }
      return refund;
    });
  }

  async dueForWork(limit: number) {
    const rows = await this.knex<RefundRow>('refunds')
      .whereNotNull('action')
      .where('next_attempt_at', '<=', this.knex.fn.now())
      .orderBy('next_attempt_at')
      .limit(limit);
    return rows.map(toRefund);
  }
}
