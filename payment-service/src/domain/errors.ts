import { defineErrors } from '@micropay/platform';

export const paymentErrors = defineErrors({
  account_not_found: { status: 404, description: 'The wallet to credit does not exist or is not yours.' },
  currency_mismatch: { status: 400, description: 'The payment currency differs from the wallet currency.' },
  payment_not_found: { status: 404, description: 'No such payment, or it is not yours.' },
  invalid_number: { status: 400, type: 'card_error', description: 'The card number is not a valid card number.' },
  invalid_expiry: { status: 400, type: 'card_error', description: 'The card expiry month or year is invalid.' },
  invalid_cvc: { status: 400, type: 'card_error', description: 'The card security code is invalid.' },
  card_declined: { status: 402, type: 'card_error', description: 'The card was declined; decline_code says why.' },
  expired_card: { status: 402, type: 'card_error', description: 'The card has expired.' },
});
