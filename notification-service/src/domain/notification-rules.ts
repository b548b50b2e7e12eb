import { z } from 'zod';
import type { EventEnvelope } from '@micropay/platform';
import { formatMoney } from './money-format';

/** The part of a payment event this service relies on; anything else in `data` is ignored. */
const PaymentEventData = z.object({
  id: z.string(),
  customer: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  failure_message: z.string().nullable().optional(),
});

/**
 * Whose resource an event is about: the user whose webhook endpoints receive it. Payment and
 * refund data name the `customer`; ledger accounts name their `owner`.
 */
export function resourceOwner(event: EventEnvelope): string | undefined {
  const { customer, owner } = event.data as { customer?: unknown; owner?: unknown };
  if (typeof customer === 'string') return customer;
  if (typeof owner === 'string') return owner;
  return undefined;
}

export interface NotificationDraft {
  userId: string;
  title: string;
  body: string;
  data: Record<string, string>;
}

/**
 * What each event means to a person. Events this service does not notify about yield no
 * drafts; they are still recorded in the inbox so they are not processed again.
 */
export function draftsFor(event: EventEnvelope): NotificationDraft[] {
  switch (event.type) {
    case 'payment.succeeded': {
      const p = PaymentEventData.parse(event.data);
      return [
        {
          userId: p.customer,
          title: 'Payment succeeded',
          body: `Your payment of ${formatMoney(p.amount, p.currency)} was received and added to your wallet.`,
          data: { payment: p.id },
        },
      ];
    }
    case 'payment.failed': {
      const p = PaymentEventData.parse(event.data);
      return [
        {
          userId: p.customer,
          title: 'Payment failed',
          body: `Your payment of ${formatMoney(p.amount, p.currency)} did not go through${p.failure_message ? `: ${p.failure_message}` : '.'}`,
          data: { payment: p.id },
        },
      ];
    }
    default:
      return [];
  }
}
