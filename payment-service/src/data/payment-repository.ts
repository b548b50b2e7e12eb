import type { Knex } from 'knex';
import { enqueueEvent, keysetPage, type PageRequest } from '@micropay/platform';
import { sourcesOf, type Payment, type PaymentStatus } from '../domain/payment';
import type { PaymentStore } from '../domain/ports';

interface PaymentRow {
  id: string;
  customer_id: string;
  account_id: string;
  amount: number;
  currency: string;
  method: Payment['method'];
  status: PaymentStatus;
  provider: string;
  provider_payment_id: string | null;
  card_brand: string | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
  card_fingerprint: string | null;
  description: string | null;
  metadata: Record<string, string>;
  failure_code: string | null;
  failure_message: string | null;
  idempotency_key: string;
  captured_at: Date | null;
  ledger_transfer_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const toPayment = (r: PaymentRow): Payment => ({
  id: r.id,
  customerId: r.customer_id,
  accountId: r.account_id,
  amount: r.amount,
  currency: r.currency,
  method: r.method,
  status: r.status,
  provider: r.provider,
  providerPaymentId: r.provider_payment_id,
  card: r.card_brand
    ? {
        brand: r.card_brand,
        last4: r.card_last4 ?? '',
        expMonth: r.card_exp_month ?? 0,
        expYear: r.card_exp_year ?? 0,
        fingerprint: r.card_fingerprint ?? '',
      }
    : null,
  description: r.description,
  metadata: r.metadata,
  failureCode: r.failure_code,
  failureMessage: r.failure_message,
  idempotencyKey: r.idempotency_key,
  capturedAt: r.captured_at,
  ledgerTransferId: r.ledger_transfer_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class PaymentRepository implements PaymentStore {
  constructor(private readonly knex: Knex) {}

  async insert(p: Payment): Promise<Payment> {
    const [row] = await this.knex('payments')
      .insert({
        id: p.id,
        customer_id: p.customerId,
        account_id: p.accountId,
        amount: p.amount,
        currency: p.currency,
        method: p.method,
        status: p.status,
        provider: p.provider,
        provider_payment_id: p.providerPaymentId,
        card_brand: p.card?.brand ?? null,
        card_last4: p.card?.last4 ?? null,
        card_exp_month: p.card?.expMonth ?? null,
        card_exp_year: p.card?.expYear ?? null,
        card_fingerprint: p.card?.fingerprint ?? null,
        description: p.description,
        metadata: JSON.stringify(p.metadata),
        idempotency_key: p.idempotencyKey,
      })
      .returning('*');
    return toPayment(row as PaymentRow);
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

  async markCaptured(id: string, providerPaymentId: string) {
    const [row] = await this.knex('payments')
      .where({ id, status: 'processing' })
      .update({
        captured_at: this.knex.fn.now(),
        provider_payment_id: providerPaymentId,
        updated_at: this.knex.fn.now(),
      })
      .returning('*');
    if (!row) throw new Error(`payment ${id} was not processing when its capture arrived`);
    return toPayment(row as PaymentRow);
  }

  async transition(
    id: string,
    to: PaymentStatus,
    changes: Partial<Pick<Payment, 'failureCode' | 'failureMessage' | 'ledgerTransferId' | 'providerPaymentId'>>,
    event?: (payment: Payment) => { type: string; data: Record<string, unknown> },
  ) {
    return this.knex.transaction(async (trx) => {
      const [row] = await trx('payments')
        .where({ id })
        .whereIn('status', sourcesOf(to))
        .update({
          status: to,
          ...(changes.failureCode !== undefined ? { failure_code: changes.failureCode } : {}),
          ...(changes.failureMessage !== undefined ? { failure_message: changes.failureMessage } : {}),
          ...(changes.ledgerTransferId !== undefined ? { ledger_transfer_id: changes.ledgerTransferId } : {}),
          ...(changes.providerPaymentId !== undefined ? { provider_payment_id: changes.providerPaymentId } : {}),
          updated_at: trx.fn.now(),
        })
        .returning('*');
      if (!row) return undefined;
      const payment = toPayment(row as PaymentRow);
      if (event) {
        const { type, data } = event(payment);
        await enqueueEvent(trx, 'payment-service', type, data);
      }
      return payment;
    });
  }

  async awaitingLedger(limit: number, olderThanSeconds: number) {
    const rows = await this.knex<PaymentRow>('payments')
      .where({ status: 'processing' })
      .whereNotNull('captured_at')
      .whereNull('ledger_transfer_id')
      .where('updated_at', '<', this.knex.raw('now() - make_interval(secs => ?)', [olderThanSeconds]))
      .orderBy('updated_at')
      .limit(limit);
    return rows.map(toPayment);
  }
}
