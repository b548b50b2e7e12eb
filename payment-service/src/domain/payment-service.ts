import { isDeepStrictEqual } from 'node:util';
import { commonErrors, newId, type PageRequest } from '@micropay/platform';
import { cardFingerprint, inspectCard } from './card';
import { paymentErrors } from './errors';
import { boletoDueDate, type MethodInput } from './methods';
import { cardOf, pixOf, boletoOf, type MethodDetails, type Payment } from './payment';
import { PaymentSteps, paymentEvent, type StepDeps } from './payment-steps';
import { ProviderRefusal } from './ports';
import { parseTaxId } from './tax-id';

export type CreatePayment = {
  amount: number;
  currency: string;
  account: string;
  description?: string;
  metadata?: Record<string, string>;
} & MethodInput;

export interface PaymentServiceDeps extends StepDeps {
  fingerprintSecret: string;
}

/**
 * Payments into a wallet, by card, Pix or boleto, through one state machine. Each step is
 * recorded before the next network call, and no database transaction spans one: the payment
 * exists before the provider is asked; the provider's answer is recorded before the ledger is
 * asked; each ledger movement is keyed by the payment. So a crash or an unreachable peer leaves
 * a payment that the settlement and recovery jobs finish, never a charge without a record or a
 * credit applied twice.
 */
export class PaymentService {
  readonly steps: PaymentSteps;

  constructor(private readonly deps: PaymentServiceDeps) {
    this.steps = new PaymentSteps(deps);
  }

  async create(customerId: string, input: CreatePayment, idempotencyKey: string): Promise<Payment> {
    let payment: Payment;
    try {
      // The idempotency store let this request in, so its key is almost always new: it is not
      // looked up first (one query less per payment), the payment row's unique key catches the rest.
      payment = await this.insertNew(customerId, input, idempotencyKey);
    } catch (error) {
      // A retry after a crash (the idempotency lock expired) or after the idempotency record
      // (24 h) is gone finds the payment the first attempt made, whatever refused this one.
      const existing = await this.deps.store.findByIdempotencyKey(customerId, idempotencyKey).catch(() => undefined);
      if (!existing) throw error;
      if (!this.sameRequest(existing, input)) {
        throw commonErrors.idempotency_key_reused.create('This Idempotency-Key already made a different payment.', {
          param: 'Idempotency-Key',
        });
      }
      return this.resume(existing);
    }
    this.deps.observer?.statusChanged(payment);

    if (input.method === 'card') return this.authorize(payment, input);
    return this.issue(payment, true);
  }

  /** Checks the request and the wallet, then records the payment before anyone is asked anything. */
  private async insertNew(customerId: string, input: CreatePayment, idempotencyKey: string): Promise<Payment> {
    const { store, ledger, provider } = this.deps;
    const details = this.detailsOf(input);
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
    const expiresAt =
      input.method === 'pix'
        ? new Date(now.getTime() + input.pix.expiresAfterSeconds * 1000)
        : input.method === 'boleto'
          ? boletoDueDate(input.boleto.expiresAfterDays, now).expiresAt
          : null;
    const waitsForPayer = input.method !== 'card';
    return store.insert({
      id: newId('pay'),
      customerId,
      accountId: wallet.id,
      amount: input.amount,
      currency: input.currency,
      method: input.method,
      status: waitsForPayer ? 'requires_action' : 'processing',
      captureMethod: input.method === 'card' ? input.captureMethod : 'automatic',
      amountCapturable: 0,
      amountReceived: 0,
      amountRefunded: 0,
      provider: provider.name,
      providerPaymentId: null,
      details,
      description: input.description ?? null,
      metadata: input.metadata ?? {},
      failureCode: null,
      failureMessage: null,
      cancellationReason: null,
      idempotencyKey,
      expiresAt,
      authorizedAt: null,
      capturedAt: null,
      ledgerHoldId: null,
      ledgerTransferId: null,
      ledgerAction: null,
      // Until the provider answers, the recovery job owns finding out what happened.
      providerAction: waitsForPayer ? 'create' : 'lookup',
      attempts: 0,
      nextAttemptAt: new Date(now.getTime() + 30_000),
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Card: the provider authorises (and, for automatic capture, captures); its answer is applied. */
  private async authorize(payment: Payment, input: Extract<MethodInput, { method: 'card' }>): Promise<Payment> {
    let outcome;
    try {
      outcome = await this.deps.provider.authorizeCard({
        paymentId: payment.id,
        amount: payment.amount,
        currency: payment.currency,
        card: input.card,
        capture: input.captureMethod === 'automatic',
      });
    } catch (error) {
      if (error instanceof ProviderRefusal) {
        await this.steps.move(payment, ['processing'], {
          status: 'failed',
          failureCode: error.code,
          failureMessage: error.message,
          providerAction: null,
        });
        throw this.declined(payment.id, error.code, error.message);
      }
      // No answer: the charge may or may not exist. The recovery job asks the provider by our id.
      this.deps.logger.warn({ err: error, payment_id: payment.id }, 'card authorisation outcome unknown');
      return payment;
    }
    const next = await this.steps.applyCardOutcome(payment, outcome);
    if (next.status === 'failed') throw this.declined(next.id, next.failureCode!, next.failureMessage!);
    return next;
  }

  /**
   * Pix and boleto: the provider issues the code the payer pays. Without an answer the request
   * fails with 503 and the payment waits; a retry with the same Idempotency-Key (or the
   * recovery job) asks again, and the provider, keyed by our payment id, issues the same code.
   */
  async issue(payment: Payment, throwIfUnavailable: boolean): Promise<Payment> {
    if (payment.status !== 'requires_action' || payment.providerAction !== 'create') return payment;
    const { provider } = this.deps;
    let details: MethodDetails;
    let providerPaymentId: string;
    try {
      const pix = pixOf(payment);
      const boleto = boletoOf(payment);
      if (pix) {
        const issued = await provider.createPix({
          paymentId: payment.id,
          amount: payment.amount,
          expiresAt: payment.expiresAt!,
          description: payment.description,
        });
        providerPaymentId = issued.providerPaymentId;
        details = {
          pix: {
            data: issued.data,
            imageUrlPng: issued.imageUrlPng,
            hostedInstructionsUrl: issued.hostedInstructionsUrl,
          },
        };
      } else if (boleto) {
        const issued = await provider.createBoleto({
          paymentId: payment.id,
          amount: payment.amount,
          dueDate: boleto.dueDate,
          expiresAt: payment.expiresAt!,
          payer: { taxId: boleto.taxId, name: boleto.name, email: boleto.email },
          description: payment.description,
        });
        providerPaymentId = issued.providerPaymentId;
        details = {
          boleto: {
            ...boleto,
            number: issued.number,
            barcode: issued.barcode,
            hostedVoucherUrl: issued.hostedVoucherUrl,
          },
        };
      } else {
        return payment;
      }
    } catch (error) {
      if (error instanceof ProviderRefusal) {
        // The provider answered no (not an outage): the payment fails and says why.
        const failed = await this.steps.move(payment, ['requires_action'], {
          status: 'failed',
          failureCode: error.code,
          failureMessage: error.message,
          providerAction: null,
          nextAttemptAt: null,
        });
        return failed ?? this.steps.reload(payment);
      }
      if (throwIfUnavailable) {
        throw commonErrors.upstream_unavailable.create(
          'The payment provider is unavailable; retry with the same Idempotency-Key.',
          { cause: error },
        );
      }
      return this.steps.later(payment, error, `${payment.method} issue`);
    }
    // The status stays requires_action; the event tells subscribers the payer can now pay.
    const issued = await this.deps.store.update(
      payment.id,
      ['requires_action'],
      { details, providerPaymentId, providerAction: null, nextAttemptAt: null },
      { where: { providerAction: 'create' }, event: paymentEvent },
    );
    this.deps.events.wake();
    return issued ?? this.steps.reload(payment);
  }

  async capture(customerId: string, id: string, amountToCapture?: number): Promise<Payment> {
    const payment = await this.get(customerId, id);
    if (payment.status !== 'requires_capture') throw this.unexpected(payment, 'captured');
    if (payment.expiresAt && payment.expiresAt.getTime() <= Date.now()) {
      throw paymentErrors.payment_unexpected_state.create(`The authorisation of ${id} has expired.`, { param: 'id' });
    }
    const amount = amountToCapture ?? payment.amountCapturable;
    if (amount > payment.amountCapturable) {
      throw paymentErrors.amount_too_large.create(`At most ${payment.amountCapturable} can be captured.`, {
        param: 'amount_to_capture',
      });
    }
    // One conditional update decides a capture racing a cancel (or a second capture): one wins.
    const claimed = await this.steps.move(payment, ['requires_capture'], {
      status: 'processing',
      amountCapturable: amount,
      providerAction: 'capture',
      nextAttemptAt: new Date(Date.now() + 10_000),
    });
    if (!claimed) throw this.unexpected(await this.steps.reload(payment), 'captured');
    return this.completeCapture(claimed);
  }

  /** The provider captures the amount; then the ledger posts the hold for it (the rest is released). */
  async completeCapture(payment: Payment): Promise<Payment> {
    try {
      await this.deps.provider.captureCard({ paymentId: payment.id, amount: payment.amountCapturable });
    } catch (error) {
      return this.steps.later(payment, error, 'card capture');
    }
    const captured = await this.steps.move(
      payment,
      ['processing'],
      {
        capturedAt: new Date(),
        amountReceived: payment.amountCapturable,
        amountCapturable: 0,
        providerAction: null,
        ledgerAction: 'post',
        nextAttemptAt: new Date(Date.now() + 10_000),
      },
      { providerAction: 'capture' },
    );
    return captured ? this.steps.runLedger(captured) : this.steps.reload(payment);
  }

  async cancel(customerId: string, id: string): Promise<Payment> {
    const payment = await this.get(customerId, id);
    if (payment.status === 'requires_capture') {
      const canceled = await this.cancelAuthorization(payment, 'requested_by_customer');
      if (!canceled) throw this.unexpected(await this.steps.reload(payment), 'canceled');
      return canceled;
    }
    if (payment.status === 'requires_action') {
      const canceled = await this.withdraw(payment, 'requested_by_customer', true);
      if (canceled.status !== 'canceled') throw this.unexpected(canceled, 'canceled');
      return canceled;
    }
    throw this.unexpected(payment, 'canceled');
  }

  /** A manual-capture card: canceled at once (one conditional update), then provider and ledger released. */
  async cancelAuthorization(
    payment: Payment,
    reason: 'requested_by_customer' | 'expired',
  ): Promise<Payment | undefined> {
    const canceled = await this.steps.move(payment, ['requires_capture'], {
      status: 'canceled',
      cancellationReason: reason,
      amountCapturable: 0,
      providerAction: 'cancel',
      ledgerAction: 'void',
      nextAttemptAt: new Date(Date.now() + 10_000),
    });
    return canceled ? this.work(canceled) : undefined;
  }

  /**
   * Pix or boleto: the provider withdraws the charge first, so the payer can no longer pay it.
   * When it was paid meanwhile, the payment settles instead of being canceled.
   */
  async withdraw(payment: Payment, reason: 'requested_by_customer' | 'expired', throwIfUnavailable: boolean) {
    let answer;
    try {
      answer = await this.deps.provider.cancel(payment.id);
    } catch (error) {
      if (throwIfUnavailable)
        throw commonErrors.upstream_unavailable.create('The payment provider is unavailable; retry later.', {
          cause: error,
        });
      this.deps.logger.warn({ err: error, payment_id: payment.id }, 'provider unreachable; expiry retried later');
      return payment;
    }
    if (answer.paid) {
      return this.steps.applySettlement(
        payment,
        answer.amount ?? payment.amount,
        payment.providerPaymentId ?? payment.id,
      );
    }
    const canceled = await this.steps.move(payment, ['requires_action'], {
      status: 'canceled',
      cancellationReason: reason,
      providerAction: null,
      nextAttemptAt: null,
    });
    return canceled ?? this.steps.reload(payment);
  }

  /** One payment's owed work: the provider step first (it decides what the ledger must do), then the ledger's. */
  async work(payment: Payment): Promise<Payment> {
    let current = payment;
    if (current.providerAction) current = await this.runProvider(current);
    if (current.ledgerAction && !current.providerAction) current = await this.steps.runLedger(current);
    return current;
  }

  private async runProvider(payment: Payment): Promise<Payment> {
    const { provider } = this.deps;
    switch (payment.providerAction) {
      case 'lookup': {
        let state;
        try {
          state = await provider.lookup(payment.id);
        } catch (error) {
          return this.steps.later(payment, error, 'provider lookup');
        }
        switch (state.state) {
          case 'unknown':
            // The provider never received the authorisation: nothing was charged. Cancelling it
            // there first makes the provider refuse the original request should it still arrive.
            try {
              await provider.cancel(payment.id);
            } catch (error) {
              return this.steps.later(payment, error, 'provider cancel after lookup');
            }
            return (
              (await this.steps.move(
                payment,
                ['processing'],
                {
                  status: 'failed',
                  failureCode: 'provider_unavailable',
                  failureMessage: 'The payment provider could not be reached; nothing was charged.',
                  providerAction: null,
                  nextAttemptAt: null,
                },
                { providerAction: 'lookup' },
              )) ?? this.steps.reload(payment)
            );
          case 'captured':
            return this.steps.applyCardOutcome(payment, {
              outcome: 'captured',
              providerPaymentId: state.providerPaymentId,
            });
          case 'authorized':
            return this.steps.applyCardOutcome(payment, {
              outcome: 'authorized',
              providerPaymentId: state.providerPaymentId,
            });
          case 'declined':
            return this.steps.applyCardOutcome(payment, {
              outcome: 'declined',
              providerPaymentId: state.providerPaymentId,
              declineCode: state.declineCode,
              message: state.message,
            });
          default:
            return this.steps.later(payment, new Error(`unexpected provider state ${state.state}`), 'provider lookup');
        }
      }
      case 'capture':
        return this.completeCapture(payment);
      case 'cancel':
        try {
          await provider.cancel(payment.id);
        } catch (error) {
          return this.steps.later(payment, error, 'provider cancel');
        }
        return (
          (await this.steps.move(payment, [payment.status], { providerAction: null }, { providerAction: 'cancel' })) ??
          this.steps.reload(payment)
        );
      case 'create':
        return this.issue(payment, false);
      default:
        return payment;
    }
  }

  /** One pass of the settlement job; true when there may be more due work. */
  async workDue(batchSize = 20): Promise<boolean> {
    const due = await this.deps.store.dueForWork(batchSize);
    for (const payment of due) {
      try {
        await this.work(payment);
      } catch (error) {
        await this.steps.later(payment, error, 'settlement');
      }
    }
    return due.length === batchSize;
  }

  /** One pass of the expiry job: lapsed authorisations are released, unpaid Pix and boletos withdrawn. */
  async expireDue(batchSize = 50): Promise<boolean> {
    const due = await this.deps.store.expired(batchSize);
    for (const payment of due) {
      if (payment.status === 'requires_capture') await this.cancelAuthorization(payment, 'expired');
      else await this.withdraw(payment, 'expired', false);
    }
    return due.length === batchSize;
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

  private detailsOf(input: CreatePayment): MethodDetails {
    switch (input.method) {
      case 'card':
        return { card: inspectCard(input.card, this.deps.fingerprintSecret) };
      case 'pix':
        return { pix: { data: null, imageUrlPng: null, hostedInstructionsUrl: null } };
      case 'boleto': {
        const taxId = parseTaxId(input.boleto.taxId)!; // the request schema checked it
        return {
          boleto: {
            number: null,
            barcode: null,
            hostedVoucherUrl: null,
            dueDate: boletoDueDate(input.boleto.expiresAfterDays).dueDate,
            name: input.boleto.name,
            email: input.boleto.email,
            taxIdType: taxId.type,
            taxId: taxId.digits,
          },
        };
      }
    }
  }

  /** Whether a retry whose idempotency record is gone asks for the payment its key already made. */
  private sameRequest(p: Payment, input: CreatePayment): boolean {
    const common =
      p.method === input.method &&
      p.accountId === input.account &&
      p.amount === input.amount &&
      p.currency === input.currency &&
      p.description === (input.description ?? null) &&
      isDeepStrictEqual(p.metadata, input.metadata ?? {});
    if (!common) return false;
    const card = cardOf(p);
    if (input.method === 'card') {
      return (
        card !== null &&
        p.captureMethod === input.captureMethod &&
        card.fingerprint === cardFingerprint(input.card.number, this.deps.fingerprintSecret) &&
        card.expMonth === input.card.exp_month &&
        card.expYear === input.card.exp_year
      );
    }
    const boleto = boletoOf(p);
    if (input.method === 'boleto') {
      const taxId = parseTaxId(input.boleto.taxId);
      return boleto !== null && boleto.name === input.boleto.name && boleto.taxId === taxId?.digits;
    }
    return true;
  }

  private async resume(payment: Payment): Promise<Payment> {
    if (payment.status === 'failed' && payment.method === 'card')
      throw this.declined(payment.id, payment.failureCode ?? 'generic_decline', payment.failureMessage ?? 'Declined.');
    if (payment.providerAction === 'create') return this.issue(payment, true);
    return this.work(payment);
  }

  private unexpected(payment: Payment, wanted: string) {
    return paymentErrors.payment_unexpected_state.create(
      `Payment ${payment.id} is ${payment.status}; it cannot be ${wanted}.`,
      { param: 'id', details: { status: payment.status } },
    );
  }

  private declined(paymentId: string, declineCode: string, message: string) {
    return paymentErrors.card_declined.create(message, { details: { decline_code: declineCode, payment: paymentId } });
  }
}
