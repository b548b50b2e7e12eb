import { defineErrors } from '@micropay/platform';

export const paymentErrors = defineErrors({
  account_not_found: { status: 404, description: 'The wallet to credit does not exist or is not yours.' },
  currency_mismatch: { status: 400, description: 'The payment currency differs from the wallet currency.' },
  payment_not_found: { status: 404, description: 'No such payment, or it is not yours.' },
  refund_not_found: { status: 404, description: 'No such refund, or it is not yours.' },
  invalid_number: { status: 400, type: 'card_error', description: 'The card number is not a valid card number.' },
  invalid_expiry: { status: 400, type: 'card_error', description: 'The card expiry month or year is invalid.' },
  invalid_cvc: { status: 400, type: 'card_error', description: 'The card security code is invalid.' },
  card_declined: { status: 402, type: 'card_error', description: 'The card was declined; decline_code says why.' },
  expired_card: { status: 402, type: 'card_error', description: 'The card has expired.' },
  payment_unexpected_state: {
    status: 409,
    description:
      'The payment is not in a status that allows this (a second capture or cancel, a refund of an unpaid payment).',
  },
  amount_too_large: {
    status: 400,
    description: 'The amount is more than can be captured, or than is left to refund.',
  },
  refund_unsupported: { status: 400, description: 'This payment method cannot be refunded (boleto).' },
  refund_window_expired: { status: 400, description: 'The payment is too old to be refunded (Pix: 90 days).' },
  insufficient_funds: {
    status: 402,
    description: 'The wallet no longer holds the money to refund; nothing moved.',
  },
  webhook_signature_invalid: {
    status: 400,
    description: 'The provider webhook is unsigned, wrongly signed, or outside the 5-minute tolerance.',
  },
});
