import { boletoOf, cardOf, pixOf, type Payment } from './payment';
import type { Refund } from './refund';
import { maskTaxId } from './tax-id';

/** What the payer must do next, Stripe-style: show a Pix QR code, or a boleto voucher. */
function nextAction(p: Payment) {
  if (p.status !== 'requires_action' || !p.expiresAt) return null;
  const pix = pixOf(p);
  if (pix?.data) {
    return {
      type: 'pix_display_qr_code' as const,
      pix_display_qr_code: {
        data: pix.data,
        image_url_png: pix.imageUrlPng,
        hosted_instructions_url: pix.hostedInstructionsUrl,
        expires_at: p.expiresAt.toISOString(),
      },
    };
  }
  const boleto = boletoOf(p);
  if (boleto?.number) {
    return {
      type: 'boleto_display_details' as const,
      boleto_display_details: {
        number: boleto.number,
        barcode: boleto.barcode,
        hosted_voucher_url: boleto.hostedVoucherUrl,
        expires_at: p.expiresAt.toISOString(),
      },
    };
  }
  return null;
}

/** The public shape of a payment: the API response and the `data` of payment events. */
export function presentPayment(p: Payment) {
  const card = cardOf(p);
  const boleto = boletoOf(p);
  return {
    id: p.id,
    object: 'payment' as const,
    amount: p.amount,
    amount_capturable: p.amountCapturable,
    amount_received: p.amountReceived,
    amount_refunded: p.amountRefunded,
    currency: p.currency,
    method: p.method,
    capture_method: p.captureMethod,
    status: p.status,
    next_action: nextAction(p),
    account: p.accountId,
    customer: p.customerId,
    description: p.description,
    metadata: p.metadata,
    card: card
      ? {
          brand: card.brand,
          last4: card.last4,
          exp_month: card.expMonth,
          exp_year: card.expYear,
          fingerprint: card.fingerprint,
        }
      : null,
    pix: p.method === 'pix' ? { expires_at: p.expiresAt?.toISOString() ?? null } : null,
    boleto: boleto
      ? {
          due_date: boleto.dueDate,
          name: boleto.name,
          email: boleto.email,
          tax_id_type: boleto.taxIdType,
          tax_id: maskTaxId({ type: boleto.taxIdType, digits: boleto.taxId }),
        }
      : null,
    failure_code: p.failureCode,
    failure_message: p.failureMessage,
    cancellation_reason: p.cancellationReason,
    ledger_transfer: p.ledgerTransferId,
    expires_at: p.expiresAt?.toISOString() ?? null,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

/** The public shape of a refund: the API response and the `data` of refund events. */
export function presentRefund(r: Refund) {
  return {
    id: r.id,
    object: 'refund' as const,
    payment: r.paymentId,
    customer: r.customerId,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    reason: r.reason,
    failure_code: r.failureCode,
    ledger_transfer: r.ledgerTransferId,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
