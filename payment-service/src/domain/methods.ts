import type { CardInput } from './card';
import type { CaptureMethod } from './payment';

/** The method part of a payment request, as the API validated it. */
export type MethodInput =
  | { method: 'card'; card: CardInput; captureMethod: CaptureMethod }
  | { method: 'pix'; pix: { expiresAfterSeconds: number } }
  | { method: 'boleto'; boleto: { taxId: string; name: string; email: string | null; expiresAfterDays: number } };

export const PIX_EXPIRY_SECONDS = { min: 10, max: 1_209_600, default: 86_400 } as const;
export const BOLETO_EXPIRY_DAYS = { min: 1, max: 60, default: 3 } as const;

/**
 * The largest amount a payment may carry: a boleto's amount field has 10 digits
 * (99,999,999.99), and the same cap for every method keeps sums of payments far from the
 * ledger's 2^53−1 limit, so no payment is ever charged that the ledger could not credit.
 */
export const MAX_PAYMENT_AMOUNT = 9_999_999_999;

/** Boletos fall due at the end of a day in Brazil: 23:59 in São Paulo (UTC−3, no daylight saving since 2019). */
export function boletoDueDate(expiresAfterDays: number, now = new Date()): { dueDate: string; expiresAt: Date } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(now); // YYYY-MM-DD
  const due = new Date(`${today}T00:00:00Z`);
  due.setUTCDate(due.getUTCDate() + expiresAfterDays);
  const dueDate = due.toISOString().slice(0, 10);
  return { dueDate, expiresAt: new Date(`${dueDate}T23:59:00-03:00`) };
}
