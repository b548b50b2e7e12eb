import type { EventEnvelope } from '@micropay/platform';
import type { EmailMessage } from './channel-delivery';
import { PaymentEventData, RefundEventData } from './event-schemas';
import { formatMoney } from './money-format';

/** The event types that send an email receipt: a payment received, a payment that failed, a refund sent. */
export const EMAILED_EVENT_TYPES = ['payment.succeeded', 'payment.failed', 'refund.succeeded'] as const;

interface Receipt {
  userId: string;
  title: string;
  lead: string;
  rows: [string, string][];
  data: Record<string, string>;
}

/**
 * The email receipt an event sends to its customer, as text and HTML, or undefined when the
 * event sends none. Rendered once, when the event is consumed, so every attempt sends the same.
 */
export function receiptFor(event: EventEnvelope): { userId: string; message: EmailMessage } | undefined {
  const receipt = describe(event);
  if (!receipt) return undefined;
  const subject = `MicroPay: ${receipt.title.toLowerCase()}`;
  const width = Math.max(...receipt.rows.map(([label]) => label.length));
  const text = [
    receipt.title,
    '',
    receipt.lead,
    '',
    ...receipt.rows.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`),
    '',
    'You receive this email because you have a MicroPay account.',
    '',
  ].join('\n');
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>',
    escapeHtml(subject),
    '</title></head>',
    '<body style="font-family: system-ui, sans-serif; color: #1a1a1a">',
    `<h1 style="font-size: 20px">${escapeHtml(receipt.title)}</h1>`,
    `<p>${escapeHtml(receipt.lead)}</p>`,
    '<table cellpadding="4" style="border-collapse: collapse">',
    ...receipt.rows.map(
      ([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
    '<p style="color: #666; font-size: 12px">You receive this email because you have a MicroPay account.</p>',
    '</body></html>',
    '',
  ].join('\n');
  return {
    userId: receipt.userId,
    message: { subject, text, html, summary: receipt.lead, data: receipt.data },
  };
}

function describe(event: EventEnvelope): Receipt | undefined {
  const date = new Date(event.time).toUTCString();
  switch (event.type) {
    case 'payment.succeeded':
    case 'payment.failed': {
      const p = PaymentEventData.parse(event.data);
      const amount = formatMoney(p.amount, p.currency);
      const ok = event.type === 'payment.succeeded';
      return {
        userId: p.customer,
        title: ok ? 'Payment receipt' : 'Payment failed',
        lead: ok
          ? `We received your payment of ${amount}; it has been added to your wallet.`
          : `Your payment of ${amount} did not go through${p.failure_message ? `: ${p.failure_message}` : '.'} No money moved.`,
        rows: [
          ['Amount', amount],
          ['Payment', p.id],
          ['Status', ok ? 'succeeded' : 'failed'],
          ['Date', date],
        ],
        data: { payment: p.id },
      };
    }
    case 'refund.succeeded': {
      const r = RefundEventData.parse(event.data);
      const amount = formatMoney(r.amount, r.currency);
      return {
        userId: r.customer,
        title: 'Refund receipt',
        lead: `A refund of ${amount} was sent back from your wallet.`,
        rows: [
          ['Amount', amount],
          ['Refund', r.id],
          ['Payment', r.payment],
          ['Date', date],
        ],
        data: { payment: r.payment, refund: r.id },
      };
    }
    default:
      return undefined;
  }
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
