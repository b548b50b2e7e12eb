import type { EventEnvelope } from '@micropay/platform';
import { consumedEventSchemas, PaymentEventData, RefundEventData } from './event-schemas';
import { formatMoney } from './money-format';

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
  // Every consumed type is checked, including those that notify no one in-app (they still go to webhooks).
  consumedEventSchemas[event.type]?.parse(event.data);
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
    case 'payment.requires_action': {
      const p = PaymentEventData.parse(event.data);
      return [
        {
          userId: p.customer,
          title: 'Payment waiting for you',
          body: `Your payment of ${formatMoney(p.amount, p.currency)} is waiting: pay the Pix code or boleto to complete it.`,
          data: { payment: p.id },
        },
      ];
    }
    case 'payment.canceled': {
      const p = PaymentEventData.parse(event.data);
      return [
        {
          userId: p.customer,
          title: 'Payment canceled',
          body: `Your payment of ${formatMoney(p.amount, p.currency)} was canceled; no money moved.`,
          data: { payment: p.id },
        },
      ];
    }
    case 'refund.succeeded':
    case 'refund.failed': {
      const r = RefundEventData.parse(event.data);
      const ok = event.type === 'refund.succeeded';
      return [
        {
          userId: r.customer,
          title: ok ? 'Refund sent' : 'Refund failed',
          body: ok
            ? `A refund of ${formatMoney(r.amount, r.currency)} was sent back from your wallet.`
            : `A refund of ${formatMoney(r.amount, r.currency)} did not go through; your wallet was not charged.`,
          data: { payment: r.payment, refund: r.id },
        },
      ];
    }
    default:
      return [];
  }
}
