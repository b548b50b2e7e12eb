export type PaymentMethod = 'card' | 'pix' | 'boleto';

export type PaymentStatus = 'requires_action' | 'processing' | 'requires_capture' | 'succeeded' | 'failed' | 'canceled';

/**
 * The payment state machine (docs/contract.md §5). A status only moves along these edges, and the
 * database update is conditional on the current status, so a late or repeated event can never
 * move a payment backwards.
 */
export const TRANSITIONS: Record<PaymentStatus, readonly PaymentStatus[]> = {
  requires_action: ['processing', 'failed', 'canceled'],
  processing: ['requires_capture', 'succeeded', 'failed'],
  requires_capture: ['processing', 'succeeded', 'canceled'],
  succeeded: [],
  failed: [],
  canceled: [],
};

/** The statuses from which `to` may be reached. */
export function sourcesOf(to: PaymentStatus): PaymentStatus[] {
  return (Object.keys(TRANSITIONS) as PaymentStatus[]).filter((from) => TRANSITIONS[from].includes(to));
}

export interface CardDetails {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  fingerprint: string;
}

export interface Payment {
  id: string;
  customerId: string;
  accountId: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  status: PaymentStatus;
  provider: string;
  providerPaymentId: string | null;
  card: CardDetails | null;
  description: string | null;
  metadata: Record<string, string>;
  failureCode: string | null;
  failureMessage: string | null;
  idempotencyKey: string;
  capturedAt: Date | null;
  ledgerTransferId: string | null;
  createdAt: Date;
  updatedAt: Date;
}
