import { createHash } from 'node:crypto';
import type { ChargeResult, PaymentProvider } from '../domain/ports';

/**
 * Test card numbers that decide the outcome, as with Stripe's test mode. Any other valid
 * number is approved.
 */
export const SANDBOX_TEST_CARDS: Record<
  string,
  { outcome: 'captured' } | { outcome: 'declined'; declineCode: string; message: string }
> = {
  '4242424242424242': { outcome: 'captured' },
  '5555555555554444': { outcome: 'captured' },
  '4000000000000002': { outcome: 'declined', declineCode: 'generic_decline', message: 'Your card was declined.' },
  '4000000000009995': {
    outcome: 'declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  '4000000000009987': { outcome: 'declined', declineCode: 'lost_card', message: 'Your card was declined.' },
  '4000000000000069': { outcome: 'declined', declineCode: 'expired_card', message: 'Your card has expired.' },
  '4000000000000127': {
    outcome: 'declined',
    declineCode: 'incorrect_cvc',
    message: "Your card's security code is incorrect.",
  },
};

/**
 * The built-in sandbox acquirer. Charges are keyed by our payment id: charging the same
 * payment again returns the first result instead of charging twice, as a real acquirer's
 * idempotency does.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox';
  private readonly charges = new Map<string, ChargeResult>();

  async chargeCard(request: {
    paymentId: string;
    amount: number;
    currency: string;
    card: { number: string };
  }): Promise<ChargeResult> {
    const previous = this.charges.get(request.paymentId);
    if (previous) return previous;
    const providerPaymentId = `sbx_ch_${createHash('sha256').update(request.paymentId).digest('hex').slice(0, 24)}`;
    const rule = SANDBOX_TEST_CARDS[request.card.number] ?? { outcome: 'captured' as const };
    const result: ChargeResult =
      rule.outcome === 'captured' ? { outcome: 'captured', providerPaymentId } : { ...rule, providerPaymentId };
    this.charges.set(request.paymentId, result);
    return result;
  }
}
