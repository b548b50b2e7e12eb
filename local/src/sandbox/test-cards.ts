/**
 * Test card numbers that decide the outcome, as in Stripe's test mode. Any other valid number
 * is approved.
 */
export const SANDBOX_TEST_CARDS: Record<string, { declineCode: string; message: string } | undefined> = {
  '4000000000000002': { declineCode: 'generic_decline', message: 'Your card was declined.' },
  '4000000000009995': { declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  '4000000000009987': { declineCode: 'lost_card', message: 'Your card was declined.' },
  '4000000000000069': { declineCode: 'expired_card', message: 'Your card has expired.' },
  '4000000000000127': { declineCode: 'incorrect_cvc', message: "Your card's security code is incorrect." },
};
