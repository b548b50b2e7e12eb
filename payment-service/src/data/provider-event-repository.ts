import type { Knex } from 'knex';
import type { ProviderEvent, ProviderEventStore } from '../domain/ports';

interface ProviderEventRow {
  id: string;
  type: ProviderEvent['type'];
  payment_id: string;
  provider_payment_id: string;
  amount: string | number;
  occurred_at: Date;
}

export class ProviderEventRepository implements ProviderEventStore {
  constructor(private readonly knex: Knex) {}

  async record(event: ProviderEvent): Promise<boolean> {
    const inserted = await this.knex('provider_events')
      .insert({
        id: event.id,
        type: event.type,
        payment_id: event.paymentId,
        provider_payment_id: event.providerPaymentId,
        amount: event.amount,
        occurred_at: event.occurredAt,
      })
      .onConflict('id')
      .ignore()
      .returning('id');
    return inserted.length === 1;
  }

  async unprocessed(limit: number): Promise<ProviderEvent[]> {
    const rows = await this.knex<ProviderEventRow>('provider_events')
      .whereNull('processed_at')
      .orderBy('received_at')
      .limit(limit);
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      paymentId: r.payment_id,
      providerPaymentId: r.provider_payment_id,
      amount: Number(r.amount),
      occurredAt: r.occurred_at,
    }));
  }

  async markProcessed(id: string, outcome: string): Promise<void> {
    await this.knex('provider_events').where({ id }).update({ processed_at: this.knex.fn.now(), outcome });
  }
}
