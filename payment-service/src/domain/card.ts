import { createHmac } from 'node:crypto';
import cardValidator from 'card-validator';
import type { LogSecrets } from '@micropay/platform';
import { paymentErrors } from './errors';
import type { CardDetails } from './payment';

/** Card data never reaches the logs: the number and CVC wherever they appear, and every field of a `card`. */
export const cardLogSecrets: LogSecrets = {
  keys: ['card_number', 'pan', 'cvc', 'cvv'],
  within: { card: ['number', 'cvc', 'cvv', 'exp_month', 'exp_year'] },
};

export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc: string;
}

/**
 * Checks a card before anything is charged (Luhn, brand, expiry, CVC length) and reduces it to
 * what may be kept: brand, last 4, expiry and a keyed fingerprint. The number and CVC go no
 * further than the provider call.
 */
export function inspectCard(card: CardInput, fingerprintSecret: string, now = new Date()): CardDetails {
  const number = cardValidator.number(card.number);
  if (!number.isValid || !number.card) {
    throw paymentErrors.invalid_number.create('The card number is invalid.', { param: 'card.number' });
  }
  const expiry = cardValidator.expirationDate({ month: String(card.exp_month), year: String(card.exp_year) }, 50);
  if (!expiry.isValid) {
    const expired =
      card.exp_year < now.getUTCFullYear() ||
      (card.exp_year === now.getUTCFullYear() && card.exp_month < now.getUTCMonth() + 1);
    if (expired)
      throw paymentErrors.expired_card.create('The card has expired.', {
        param: 'card.exp_year',
        details: { decline_code: 'expired_card' },
      });
    throw paymentErrors.invalid_expiry.create('The card expiry is invalid.', { param: 'card.exp_month' });
  }
  if (!cardValidator.cvv(card.cvc, number.card.code.size).isValid) {
    throw paymentErrors.invalid_cvc.create(`The CVC must be ${number.card.code.size} digits.`, { param: 'card.cvc' });
  }
  return {
    brand: number.card.type,
    last4: card.number.slice(-4),
    expMonth: card.exp_month,
    expYear: card.exp_year,
    fingerprint: cardFingerprint(card.number, fingerprintSecret),
  };
}

/** The same card number gives the same fingerprint under one secret; the number itself is never kept. */
export function cardFingerprint(number: string, fingerprintSecret: string): string {
  return createHmac('sha256', fingerprintSecret).update(number).digest('base64url').slice(0, 16);
}
