import { isDeepStrictEqual } from 'node:util';
import { commonErrors, newId, type Logger, type PageRequest } from '@micropay/platform';
import { cardFingerprint, inspectCard, type CardInput } from './card';
import { paymentErrors } from './errors';
import type { Payment } from './payment';
import { presentPayment } from './presenters';
import type { EventNotifier, LedgerGateway, PaymentObserver, PaymentProvider, PaymentStore } from './ports';

export interface CreateCardPayment {
  amount: number;
  currency: string;
  account: string;
  card: CardInput;
  description?: string;
  metadata?: Record<string, string>;
}

export interface PaymentServiceDeps {
  store: PaymentStore;
  provider: PaymentProvider;
  ledger: LedgerGateway;
  events: EventNotifier;
  fingerprintSecret: string;
  logger: Logger;
  observer?: PaymentObserver;
}

const eventOf = (type: string) => (payment: Payment) => ({ type, data: presentPayment(payment) });

/**
 * Card payments into a wallet. Each step is recorded before the next network call, and no
 * database transaction spans one: the payment exists (processing) before the provider is
 * called; the capture is recorded before the ledger is; the ledger credit is idempotent per
 * payment. So a crash or an unreachable peer leaves a payment that can be finished later,
 * never a charge without a record or a credit applied twice.
 */
export class PaymentService {
  constructor(private readonly deps: PaymentServiceDeps) {}

  /** Whether a retry whose idempotency record is gone asks for the payment its key already made. */
  private sameCardPayment(p: Payment, input: CreateCardPayment): boolean {
    return (
      p.method === 'card' &&
      p.accountId === input.account &&
      p.amount === input.amount &&
      p.currency === input.currency &&
      p.description === (input.description ?? null) &&
      isDeepStrictEqual(p.metadata, input.metadata ?? {}) &&
      p.card?.fingerprint === cardFingerprint(input.card.number, this.deps.fingerprintSecret) &&
      p.card.expMonth === input.card.exp_month &&
      p.card.expYear === input.card.exp_year
    );
  }

  async createCardPayment(customerId: string, input: CreateCardPayment, idempotencyKey: string): Promise<Payment> {
    const { store, provider, ledger } = this.deps;
    // A retry after a crash (the idempotency lock expired) finds the payment the first attempt made.
    const existing = await store.findByIdempotencyKey(customerId, idempotencyKey);
    if (existing) {
      // The idempotency record (24 h) may be gone while the payment row keeps its key.
      if (!this.sameCardPayment(existing, input)) {
        throw commonErrors.idempotency_key_reused.create('This Idempotency-Key already made a different payment.', {
          param: 'Idempotency-Key',
        });
      }
      return this.resume(existing);
    }

    const card = inspectCard(input.card, this.deps.fingerprintSecret);
    const wallet = await ledger.findAccount(input.account);
    if (!wallet || wallet.type !== 'wallet' || wallet.owner !== customerId) {
      throw paymentErrors.account_not_found.create(`No such wallet: ${input.account}.`, { param: 'account' });
    }
    if (wallet.currency !== input.currency) {
      throw paymentErrors.currency_mismatch.create(
        `Wallet ${wallet.id} holds ${wallet.currency}, not ${input.currency}.`,
        { param: 'currency' },
      );
    }

    const now = new Date();
    const payment = await store.insert({
      id: newId('pay'),
      customerId,
      accountId: wallet.id,
      amount: input.amount,
      currency: input.currency,
      method: 'card',
      status: 'processing',
      provider: provider.name,
      providerPaymentId: null,
      card,
      description: input.description ?? null,
      metadata: input.metadata ?? {},
      failureCode: null,
      failureMessage: null,
      idempotencyKey,
      capturedAt: null,
      ledgerTransferId: null,
      createdAt: now,
      updatedAt: now,
    });
    this.deps.observer?.statusChanged(payment);

    const charge = await provider.chargeCard({
      paymentId: payment.id,
      amount: payment.amount,
      currency: payment.currency,
      card: input.card,
    });
    if (charge.outcome === 'declined') {
      const failed = await store.transition(
        payment.id,
        'failed',
        {
          failureCode: charge.declineCode,
          failureMessage: charge.message,
          providerPaymentId: charge.providerPaymentId,
        },
        eventOf('payment.failed'),
      );
      if (failed) this.deps.observer?.statusChanged(failed);
      this.deps.events.wake();
      throw this.declined(payment.id, charge.declineCode, charge.message);
    }
    return this.settle(await store.markCaptured(payment.id, charge.providerPaymentId));
  }

  /**
   * Credits the wallet for a captured payment and marks it succeeded. When the ledger cannot be
   * reached the payment stays processing; the settlement job calls this again later with the
   * same idempotency key, so the ledger applies the credit exactly once.
   */
  async settle(payment: Payment): Promise<Payment> {
    if (payment.status !== 'processing' || !payment.capturedAt || payment.ledgerTransferId) return payment;
    let transferId: string;
    try {
      ({ transferId } = await this.deps.ledger.creditWallet(payment));
    } catch (error) {
      this.deps.logger.warn(
        { err: error, payment_id: payment.id },
        'ledger credit failed; payment stays processing and will be retried',
      );
      return payment;
    }
    const succeeded = await this.deps.store.transition(
      payment.id,
      'succeeded',
      { ledgerTransferId: transferId },
      eventOf('payment.succeeded'),
    );
    if (succeeded) this.deps.observer?.statusChanged(succeeded);
    this.deps.events.wake();
    return succeeded ?? ((await this.deps.store.findById(payment.id)) as Payment);
  }

  /** One pass of the settlement job; true when there may be more work. */
  async settleAwaitingLedger(batchSize = 20): Promise<boolean> {
    const waiting = await this.deps.store.awaitingLedger(batchSize, 2);
    for (const payment of waiting) await this.settle(payment);
    return waiting.length === batchSize;
  }

  async get(customerId: string, id: string): Promise<Payment> {
    const payment = await this.deps.store.findById(id);
    if (!payment || payment.customerId !== customerId)
      throw paymentErrors.payment_not_found.create(`No such payment: ${id}.`, { param: 'id' });
    return payment;
  }

  list(customerId: string, page: PageRequest) {
    return this.deps.store.listForCustomer(customerId, page);
  }

  private async resume(payment: Payment): Promise<Payment> {
    if (payment.status === 'failed')
      throw this.declined(payment.id, payment.failureCode ?? 'generic_decline', payment.failureMessage ?? 'Declined.');
    return this.settle(payment);
  }

  private declined(paymentId: string, declineCode: string, message: string) {
    return paymentErrors.card_declined.create(message, { details: { decline_code: declineCode, payment: paymentId } });
  }
}
