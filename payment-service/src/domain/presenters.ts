import type { Payment } from './payment';

/** The public shape of a payment: the API response and the `data` of payment events. */
export function presentPayment(p: Payment) {
  return {
    id: p.id,
    object: 'payment' as const,
    amount: p.amount,
    currency: p.currency,
    method: p.method,
    status: p.status,
    account: p.accountId,
    customer: p.customerId,
    description: p.description,
    metadata: p.metadata,
    card: p.card
      ? {
          brand: p.card.brand,
          last4: p.card.last4,
          exp_month: p.card.expMonth,
          exp_year: p.card.expYear,
          fingerprint: p.card.fingerprint,
        }
      : null,
    failure_code: p.failureCode,
    failure_message: p.failureMessage,
    ledger_transfer: p.ledgerTransferId,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}
