import type { Knex } from 'knex';
import { enqueueEvent, keysetPage, type PageRequest } from '@micropay/platform';
import type { MethodDetails, Payment, PaymentStatus } from '../domain/payment';
import type { EventOf, PaymentChanges, PaymentStore } from '../domain/ports';

interface PaymentRow {
  id: string;
  customer_id: string;
  account_id: string;
  amount: string | number;
  currency: string;
  method: Payment['method'];
  status: PaymentStatus;
  capture_method: Payment['captureMethod'];
  amount_capturable: string | number;
  amount_received: string | number;
  amount_refunded: string | number;
  provider: string;
  provider_payment_id: string | null;
  method_details: MethodDetails;
  description: string | null;
  metadata: Record<string, string>;
  failure_code: string | null;
  failure_message: string | null;
  cancellation_reason: Payment['cancellationReason'];
  idempotency_key: string;
  expires_at: Date | null;
  authorized_at: Date | null;
  captured_at: Date | null;
  ledger_hold_id: string | null;
  ledger_transfer_id: string | null;
  ledger_action: Payment['ledgerAction'];
  provider_action: Payment['providerAction'];
  attempts: number;
  next_attempt_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const toPayment = (r: PaymentRow): Payment => ({
  id: r.id,
  customerId: r.customer_id,
  accountId: r.account_id,
  amount: Number(r.amount),
  currency: r.currency,
  method: r.method,
  status: r.status,
  captureMethod: r.capture_method,
  amountCapturable: Number(r.amount_capturable),
  amountReceived: Number(r.amount_received),
  amountRefunded: Number(r.amount_refunded),
  provider: r.provider,
  providerPaymentId: r.provider_payment_id,
  details: r.method_details,
  description: r.description,
  metadata: r.metadata,
  failureCode: r.failure_code,
  failureMessage: r.failure_message,
  cancellationReason: r.cancellation_reason,
  idempotencyKey: r.idempotency_key,
  expiresAt: r.expires_at,
  authorizedAt: r.authorized_at,
  capturedAt: r.captured_at,
  ledgerHoldId: r.ledger_hold_id,
  ledgerTransferId: r.ledger_transfer_id,
  ledgerAction: r.ledger_action,
  providerAction: r.provider_action,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const COLUMNS: Record<keyof PaymentChanges, string> = {
  status: 'status',
  amount: 'amount',
  captureMethod: 'capture_method',
  amountCapturable: 'amount_capturable',
  amountReceived: 'amount_received',
  amountRefunded: 'amount_refunded',
  provider: 'provider',
  providerPaymentId: 'provider_payment_id',
  details: 'method_details',
  description: 'description',
  metadata: 'metadata',
  failureCode: 'failure_code',
  failureMessage: 'failure_message',
  cancellationReason: 'cancellation_reason',
  expiresAt: 'expires_at',
  authorizedAt: 'authorized_at',
  capturedAt: 'captured_at',
  ledgerHoldId: 'ledger_hold_id',
  ledgerTransferId: 'ledger_transfer_id',
  ledgerAction: 'ledger_action',
  providerAction: 'provider_action',
  attempts: 'attempts',
  nextAttemptAt: 'next_attempt_at',
  updatedAt: 'updated_at',
};

const JSON_COLUMNS = new Set(['method_details', 'metadata']);

/** A domain change set as columns. */
export function toColumns(changes: PaymentChanges): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || !(key in COLUMNS)) continue;
    const column = COLUMNS[key as keyof PaymentChanges];
    row[column] = JSON_COLUMNS.has(column) ? JSON.stringify(value) : value;
  }
  return row;
}

export class PaymentRepository implements PaymentStore {
  constructor(private readonly knex: Knex) {}

  async insert(p: Payment, event?: EventOf<Payment>): Promise<Payment> {
    const write = async (trx: Knex | Knex.Transaction) => {
      const [row] = await trx('payments')
        .insert({
          id: p.id,
          customer_id: p.customerId,
          account_id: p.accountId,
          amount: p.amount,
          currency: p.currency,
          method: p.method,
          idempotency_key: p.idempotencyKey,
          ...toColumns({ ...p, updatedAt: undefined }),
        })
        .returning('*');
      return toPayment(row as PaymentRow);
    };
    // Without an event the insert is one statement: no BEGIN/COMMIT round trips around it.
    if (!event) return write(this.knex);
    return this.knex.transaction(async (trx) => {
      const payment = await write(trx);
      const { type, data } = event(payment);
      await enqueueEvent(trx, 'payment-service', type, data);
      return payment;
    });
  }

  async findById(id: string) {
    const row = await this.knex<PaymentRow>('payments').where({ id }).first();
    return row ? toPayment(row) : undefined;
  }

  async findByIdempotencyKey(customerId: string, key: string) {
    const row = await this.knex<PaymentRow>('payments')
      .where({ customer_id: customerId, idempotency_key: key })
      .first();
    return row ? toPayment(row) : undefined;
  }

  async listForCustomer(customerId: string, page: PageRequest) {
    const result = await keysetPage<PaymentRow>(this.knex('payments').where({ customer_id: customerId }), page);
    return { data: result.data.map(toPayment), hasMore: result.hasMore };
  }

  async update(
    id: string,
    from: readonly PaymentStatus[],
    changes: PaymentChanges,
    options: { event?: EventOf<Payment>; where?: Partial<Pick<Payment, 'ledgerAction' | 'providerAction'>> } = {},
  ) {
    const write = async (trx: Knex | Knex.Transaction) => {
      let query = trx('payments').where({ id }).whereIn('status', from);
      const { where = {} } = options;
      if (where.ledgerAction !== undefined) query = query.where({ ledger_action: where.ledgerAction });
      if (where.providerAction !== undefined) query = query.where({ provider_action: where.providerAction });
      const [row] = await query.update({ ...toColumns(changes), updated_at: trx.fn.now() }).returning('*');
      return row ? toPayment(row as PaymentRow) : undefined;
    };
    if (!options.event) return write(this.knex);
    const event = options.event;
    return this.knex.transaction(async (trx) => {
      const payment = await write(trx);
      if (payment) {
        const { type, data } = event(payment);
        await enqueueEvent(trx, 'payment-service', type, data);
      }
      return payment;
    });
  }

  async dueForWork(limit: number) {
    const rows = await this.knex<PaymentRow>('payments')
      .where((q) => q.whereNotNull('ledger_action').orWhereNotNull('provider_action'))
      .where('next_attempt_at', '<=', this.knex.fn.now())
      .orderBy('next_attempt_at')
      .limit(limit);
    return rows.map(toPayment);
  }

  async expired(limit: number) {
    const rows = await this.knex<PaymentRow>('payments')
      .whereIn('status', ['requires_action', 'requires_capture'])
      .where('expires_at', '<=', this.knex.fn.now())
      .orderBy('expires_at')
      .limit(limit);
    return rows.map(toPayment);
  }
}
