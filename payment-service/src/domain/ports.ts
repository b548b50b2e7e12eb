import type { PageRequest, PageResult } from '@micropay/platform';
import type { CardInput } from './card';
import type { Payment, PaymentStatus } from './payment';
import type { Refund } from './refund';

/** The payer of a boleto, as the provider prints it on the voucher. */
export interface BoletoPayer {
  taxId: string;
  name: string;
  email: string | null;
}

export type CardOutcome =
  | { outcome: 'captured'; providerPaymentId: string }
  | { outcome: 'authorized'; providerPaymentId: string }
  | { outcome: 'declined'; providerPaymentId: string; declineCode: string; message: string };

/** What the provider knows of one of our payments, asked by our payment id. */
export type ProviderPaymentState =
  | { state: 'unknown' }
  | { state: 'authorized'; providerPaymentId: string }
  | { state: 'captured'; providerPaymentId: string; amount: number }
  | { state: 'declined'; providerPaymentId: string; declineCode: string; message: string }
  | { state: 'pending'; providerPaymentId: string }
  | { state: 'paid'; providerPaymentId: string; amount: number }
  | { state: 'canceled'; providerPaymentId: string };

/** A settlement or expiry the provider reported by signed webhook, after its signature was checked. */
export interface ProviderEvent {
  id: string;
  type: 'payment.paid' | 'payment.expired' | 'payment.canceled';
  paymentId: string;
  providerPaymentId: string;
  amount: number;
  occurredAt: Date;
}

/**
 * A payment provider: the sandbox PSP, or a real one (Stripe, Mercado Pago) behind the same
 * interface. Every call is keyed by our payment (or refund) id, so a retry never charges twice.
 * A call that throws left the outcome unknown; the recovery job asks again.
 */
export interface PaymentProvider {
  readonly name: string;
  authorizeCard(request: {
    paymentId: string;
    amount: number;
    currency: string;
    card: CardInput;
    capture: boolean;
  }): Promise<CardOutcome>;
  captureCard(request: { paymentId: string; amount: number }): Promise<void>;
  /** Releases an authorisation, or withdraws a Pix or boleto charge; `paid` when it was paid first. */
  cancel(paymentId: string): Promise<{ paid: boolean; amount?: number }>;
  createPix(request: {
    paymentId: string;
    amount: number;
    expiresAt: Date;
    description: string | null;
  }): Promise<{ providerPaymentId: string; data: string; imageUrlPng: string; hostedInstructionsUrl: string }>;
  createBoleto(request: {
    paymentId: string;
    amount: number;
    dueDate: string;
    expiresAt: Date;
    payer: BoletoPayer;
    description: string | null;
  }): Promise<{ providerPaymentId: string; number: string; barcode: string; hostedVoucherUrl: string }>;
  lookup(paymentId: string): Promise<ProviderPaymentState>;
  refund(request: { paymentId: string; refundId: string; amount: number }): Promise<{ providerRefundId: string }>;
  /** Checks a webhook's signature on its raw bytes; throws `ProviderSignatureError` when it fails. */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>): ProviderEvent;
}

export class ProviderSignatureError extends Error {}

/** The provider answered, and said no (as opposed to not answering): the request will not succeed later. */
export class ProviderRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface WalletInfo {
  id: string;
  owner: string | null;
  type: 'wallet' | 'system';
  currency: string;
}

export interface LedgerTransfer {
  id: string;
  status: 'pending' | 'posted' | 'voided';
  amount: number;
  postedAmount: number | null;
  fromAccount: string;
  toAccount: string;
  currency: string;
}

/** The ledger refused a movement for good (402 insufficient funds, 4xx), as opposed to being unreachable. */
export class LedgerRefusal extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** transaction-service as payment-service needs it. Every movement is keyed by payment or refund id. */
export interface LedgerGateway {
  findAccount(id: string): Promise<WalletInfo | undefined>;
  /** Clearing → wallet for a captured or settled payment. */
  credit(payment: Payment): Promise<{ transferId: string }>;
  /** A pending transfer clearing → wallet for an authorisation, expiring after `timeoutSeconds`. */
  hold(payment: Payment, timeoutSeconds: number): Promise<{ transferId: string }>;
  /** Posts the hold for `amount`; an already posted hold answers with the transfer. */
  post(holdId: string, amount: number): Promise<LedgerTransfer>;
  /** Voids the hold; an already voided or expired hold counts as done. */
  void(holdId: string): Promise<void>;
  /** Wallet → clearing for a refund; throws LedgerRefusal (402) when the wallet no longer holds it. */
  debitForRefund(refund: Refund, payment: Payment): Promise<{ transferId: string }>;
  /** Clearing → wallet: undoes a refund's debit when the provider refused to pay it out. */
  reverseRefund(refund: Refund, payment: Payment): Promise<{ transferId: string }>;
  getTransfer(id: string): Promise<LedgerTransfer | undefined>;
}

export type PaymentChanges = Partial<
  Omit<Payment, 'id' | 'customerId' | 'accountId' | 'currency' | 'method' | 'createdAt' | 'idempotencyKey'>
>;

export type EventOf<T> = (row: T) => { type: string; data: Record<string, unknown> };

export interface PaymentStore {
  insert(payment: Payment, event?: EventOf<Payment>): Promise<Payment>;
  findById(id: string): Promise<Payment | undefined>;
  findByIdempotencyKey(customerId: string, key: string): Promise<Payment | undefined>;
  listForCustomer(customerId: string, page: PageRequest): Promise<PageResult<Payment>>;
  /**
   * Applies `changes` only while the payment is in one of `from` (and matches `where`), writing
   * the event to the outbox in the same transaction. Undefined when the payment was not there
   * (someone else moved it first). The only way a status changes.
   */
  update(
    id: string,
    from: readonly PaymentStatus[],
    changes: PaymentChanges,
    options?: { event?: EventOf<Payment>; where?: Partial<Pick<Payment, 'ledgerAction' | 'providerAction'>> },
  ): Promise<Payment | undefined>;
  /** Payments owing ledger or provider work whose next attempt is due, soonest first. */
  dueForWork(limit: number): Promise<Payment[]>;
  /** Waiting payments past their expiry. */
  expired(limit: number): Promise<Payment[]>;
}

export interface RefundStore {
  /**
   * In one transaction: locks the payment, runs `decide` on it, and when it allows, inserts the
   * refund and adds its amount to the payment's `amount_refunded`. Returns the decision's refusal
   * or the new refund.
   */
  reserve(
    paymentId: string,
    decide: (payment: Payment) => { ok: true; refund: Refund } | { ok: false; error: Error },
  ): Promise<Refund>;
  findById(id: string): Promise<Refund | undefined>;
  findByIdempotencyKey(customerId: string, key: string): Promise<Refund | undefined>;
  listForCustomer(customerId: string, page: PageRequest, paymentId?: string): Promise<PageResult<Refund>>;
  /** Conditional on the refund still being pending; a failure also gives its amount back to the payment. */
  update(
    id: string,
    changes: Partial<Omit<Refund, 'id' | 'paymentId' | 'customerId' | 'amount' | 'currency' | 'idempotencyKey'>>,
    event?: EventOf<Refund>,
  ): Promise<Refund | undefined>;
  dueForWork(limit: number): Promise<Refund[]>;
}

export interface ProviderEventStore {
  /** Records a verified provider event once; false when its id was seen before. */
  record(event: ProviderEvent): Promise<boolean>;
  unprocessed(limit: number): Promise<ProviderEvent[]>;
  markProcessed(id: string, outcome: string): Promise<void>;
}

/** Wakes the outbox relay after a commit that queued events. */
export interface EventNotifier {
  wake(): void;
}

/** Business metrics: told whenever a payment or refund changes status, and of anomalies. */
export interface PaymentObserver {
  statusChanged(payment: Payment): void;
  refundChanged(refund: Refund): void;
  providerEvent(type: string, outcome: string): void;
  reconciliation(mismatches: number): void;
}
