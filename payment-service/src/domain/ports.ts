import type { PageRequest, PageResult } from '@micropay/platform';
import type { CardInput } from './card';
import type { Payment, PaymentStatus } from './payment';

/** A payment provider (the built-in sandbox, or a real acquirer behind the same interface). */
export interface PaymentProvider {
  readonly name: string;
  /** Authorises and captures a card charge. Keyed by our payment id, so a retry never charges twice. */
  chargeCard(request: { paymentId: string; amount: number; currency: string; card: CardInput }): Promise<ChargeResult>;
}

export type ChargeResult =
  | { outcome: 'captured'; providerPaymentId: string }
  | { outcome: 'declined'; providerPaymentId: string; declineCode: string; message: string };

export interface WalletInfo {
  id: string;
  owner: string | null;
  type: 'wallet' | 'system';
  currency: string;
}

/** transaction-service as payment-service needs it. */
export interface LedgerGateway {
  /** The account, or undefined when the ledger has no such account. */
  findAccount(id: string): Promise<WalletInfo | undefined>;
  /** Moves the money from the provider's clearing account into the wallet; idempotent per payment. */
  creditWallet(payment: Payment): Promise<{ transferId: string }>;
}

export interface PaymentStore {
  insert(payment: Payment): Promise<Payment>;
  findById(id: string): Promise<Payment | undefined>;
  findByIdempotencyKey(customerId: string, key: string): Promise<Payment | undefined>;
  listForCustomer(customerId: string, page: PageRequest): Promise<PageResult<Payment>>;
  markCaptured(id: string, providerPaymentId: string): Promise<Payment>;
  /**
   * Moves the payment to `to` only from a status that may lead there, applying `changes` and
   * writing `event` to the outbox in the same transaction. Returns undefined when the payment
   * was not in such a status (someone else moved it first).
   */
  transition(
    id: string,
    to: PaymentStatus,
    changes: Partial<Pick<Payment, 'failureCode' | 'failureMessage' | 'ledgerTransferId' | 'providerPaymentId'>>,
    event?: (payment: Payment) => { type: string; data: Record<string, unknown> },
  ): Promise<Payment | undefined>;
  /** Captured payments still waiting for their ledger credit, oldest first. */
  awaitingLedger(limit: number, olderThanSeconds: number): Promise<Payment[]>;
}

/** Wakes the outbox relay after a commit that queued events. */
export interface EventNotifier {
  wake(): void;
}

/** Business metrics: told whenever a payment is created or changes status. */
export interface PaymentObserver {
  statusChanged(payment: Payment): void;
}
