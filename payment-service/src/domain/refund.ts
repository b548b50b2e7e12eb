import type { Payment } from './payment';

export type RefundStatus = 'pending' | 'succeeded' | 'failed';
export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';

/** What a pending refund still owes: the ledger's debit of the wallet, then the provider's payout. */
export type RefundAction = 'debit' | 'payout' | 'reverse';

export interface Refund {
  id: string;
  paymentId: string;
  customerId: string;
  amount: number;
  currency: string;
  status: RefundStatus;
  reason: RefundReason | null;
  failureCode: string | null;
  idempotencyKey: string;
  ledgerTransferId: string | null;
  providerRefundId: string | null;
  action: RefundAction | null;
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Pix devolução is allowed for 90 days after the payment (BCB's MED and devolução rules). */
export const PIX_REFUND_WINDOW_DAYS = 90;

export type RefundRefusal =
  | { code: 'payment_unexpected_state'; message: string }
  | { code: 'refund_unsupported'; message: string }
  | { code: 'refund_window_expired'; message: string }
  | { code: 'amount_too_large'; message: string };

/**
 * Whether `amount` (or, without it, everything left) may be refunded from `payment` now. The
 * caller holds the payment row locked, so `amountRefunded` counts every refund not failed,
 * including ones still in flight: parallel refunds cannot together exceed what was received.
 */
export function checkRefund(
  payment: Pick<Payment, 'id' | 'status' | 'method' | 'amountReceived' | 'amountRefunded' | 'capturedAt'>,
  amount: number | undefined,
  now = new Date(),
): { ok: true; amount: number } | { ok: false; refusal: RefundRefusal } {
  if (payment.method === 'boleto') {
    return {
      ok: false,
      refusal: {
        code: 'refund_unsupported',
        message: 'Boleto payments cannot be refunded through the payment; pay the customer back another way.',
      },
    };
  }
  if (payment.status !== 'succeeded') {
    return {
      ok: false,
      refusal: {
        code: 'payment_unexpected_state',
        message: `Payment ${payment.id} is ${payment.status}; only a succeeded payment can be refunded.`,
      },
    };
  }
  if (payment.method === 'pix' && payment.capturedAt) {
    const ageDays = (now.getTime() - payment.capturedAt.getTime()) / 86_400_000;
    if (ageDays > PIX_REFUND_WINDOW_DAYS) {
      return {
        ok: false,
        refusal: {
          code: 'refund_window_expired',
          message: `Pix payments can be refunded for ${PIX_REFUND_WINDOW_DAYS} days; ${payment.id} is older.`,
        },
      };
    }
  }
  const remaining = payment.amountReceived - payment.amountRefunded;
  const wanted = amount ?? remaining;
  if (wanted <= 0 || wanted > remaining) {
    return {
      ok: false,
      refusal: {
        code: 'amount_too_large',
        message:
          remaining === 0
            ? `Payment ${payment.id} has already been refunded in full.`
            : `At most ${remaining} can still be refunded from payment ${payment.id}.`,
      },
    };
  }
  return { ok: true, amount: wanted };
}
