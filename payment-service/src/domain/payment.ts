export type PaymentMethod = 'card' | 'pix' | 'boleto';

export type PaymentStatus = 'requires_action' | 'processing' | 'requires_capture' | 'succeeded' | 'failed' | 'canceled';

export type CaptureMethod = 'automatic' | 'manual';

export type CancellationReason = 'requested_by_customer' | 'expired' | 'abandoned';

/**
 * The payment state machine (docs/contract.md §5). A status only moves along these edges, and the
 * database update is conditional on the current status, so a late or repeated event can never
 * move a payment backwards:
 *
 *   card:        processing ─▶ requires_capture (manual) ─▶ processing ─▶ succeeded
 *                processing ─▶ succeeded (automatic) | failed (declined)
 *   pix, boleto: requires_action ─▶ processing (the provider settled) ─▶ succeeded
 *   any waiting status (requires_action, requires_capture) ─▶ canceled
 */
export const TRANSITIONS: Record<PaymentStatus, readonly PaymentStatus[]> = {
  requires_action: ['processing', 'failed', 'canceled'],
  processing: ['requires_capture', 'succeeded', 'failed'],
  requires_capture: ['processing', 'canceled'],
  succeeded: [],
  failed: [],
  canceled: [],
};

export const TERMINAL: readonly PaymentStatus[] = ['succeeded', 'failed', 'canceled'];

/** The statuses from which `to` may be reached. */
export function sourcesOf(to: PaymentStatus): PaymentStatus[] {
  return (Object.keys(TRANSITIONS) as PaymentStatus[]).filter((from) => TRANSITIONS[from].includes(to));
}

export function canMove(from: PaymentStatus, to: PaymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * Work a payment still owes the outside world, done by the settlement job when it could not be
 * done at once (a peer was down), with backoff per payment.
 * - ledger: `credit` clearing → wallet; `hold` a pending transfer for an authorisation; `post`
 *   the hold on capture; `void` it on cancel or expiry.
 * - provider: `lookup` an authorisation whose answer was lost; `capture`, `cancel` or `create`
 *   (a Pix or boleto charge) again, each idempotent at the provider by our payment id.
 */
export type LedgerAction = 'credit' | 'hold' | 'post' | 'void';
export type ProviderAction = 'lookup' | 'capture' | 'cancel' | 'create';

export interface CardDetails {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  fingerprint: string;
}

export interface PixDetails {
  /** The BR Code (copy-and-paste code) once the provider issued it. */
  data: string | null;
  imageUrlPng: string | null;
  hostedInstructionsUrl: string | null;
}

export interface BoletoDetails {
  /** The 47-digit linha digitável and the 44-digit barcode, once the provider issued them. */
  number: string | null;
  barcode: string | null;
  hostedVoucherUrl: string | null;
  dueDate: string;
  name: string;
  email: string | null;
  taxIdType: 'cpf' | 'cnpj';
  /** Digits only; the API shows it masked. */
  taxId: string;
}

export type MethodDetails = { card: CardDetails } | { pix: PixDetails } | { boleto: BoletoDetails };

export interface Payment {
  id: string;
  customerId: string;
  accountId: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  status: PaymentStatus;
  captureMethod: CaptureMethod;
  amountCapturable: number;
  amountReceived: number;
  amountRefunded: number;
  provider: string;
  providerPaymentId: string | null;
  details: MethodDetails;
  description: string | null;
  metadata: Record<string, string>;
  failureCode: string | null;
  failureMessage: string | null;
  cancellationReason: CancellationReason | null;
  idempotencyKey: string;
  /** Pix and boleto: when the payer can no longer pay; manual card: when the authorisation lapses. */
  expiresAt: Date | null;
  authorizedAt: Date | null;
  /** When the provider confirmed the money (card capture, Pix or boleto settlement). */
  capturedAt: Date | null;
  /** The ledger's pending transfer of a manual-capture authorisation. */
  ledgerHoldId: string | null;
  /** The ledger transfer that credited the wallet (for manual capture, the posted hold). */
  ledgerTransferId: string | null;
  ledgerAction: LedgerAction | null;
  providerAction: ProviderAction | null;
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function cardOf(p: Payment): CardDetails | null {
  return 'card' in p.details ? p.details.card : null;
}
export function pixOf(p: Payment): PixDetails | null {
  return 'pix' in p.details ? p.details.pix : null;
}
export function boletoOf(p: Payment): BoletoDetails | null {
  return 'boleto' in p.details ? p.details.boleto : null;
}

/** Backoff of the settlement job for one payment: 1 s, 2 s, 4 s … capped, with ±20 % jitter. */
export function nextAttemptDelayMs(attempts: number, capMs = 5 * 60_000, random = Math.random): number {
  const base = Math.min(capMs, 1000 * 2 ** Math.min(attempts, 30));
  return Math.round(base * (0.8 + 0.4 * random()));
}
