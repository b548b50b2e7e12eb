import { isDeepStrictEqual } from 'node:util';
import { commonErrors, newId, type Logger, type PageRequest } from '@micropay/platform';
import { paymentErrors } from './errors';
import { nextAttemptDelayMs, type Payment } from './payment';
import { presentRefund } from './presenters';
import {
  LedgerRefusal,
  ProviderRefusal,
  type EventNotifier,
  type LedgerGateway,
  type PaymentObserver,
  type PaymentProvider,
  type PaymentStore,
  type RefundStore,
} from './ports';
import { checkRefund, type Refund, type RefundReason } from './refund';

export interface RefundServiceDeps {
  refunds: RefundStore;
  payments: PaymentStore;
  ledger: LedgerGateway;
  provider: PaymentProvider;
  events: EventNotifier;
  logger: Logger;
  observer?: PaymentObserver;
}

export interface CreateRefund {
  payment: string;
  amount?: number;
  reason?: RefundReason;
}

const refundEvent = (refund: Refund) => ({ type: `refund.${refund.status}`, data: presentRefund(refund) });

/**
 * Refunds: wallet → clearing in the ledger, then the provider pays the payer back. The amount
 * is reserved on the locked payment row before anything moves, so parallel refunds can never
 * together exceed what was received; a refund that fails gives its reservation back.
 */
export class RefundService {
  constructor(private readonly deps: RefundServiceDeps) {}

  async create(customerId: string, input: CreateRefund, idempotencyKey: string): Promise<Refund> {
    const existing = await this.deps.refunds.findByIdempotencyKey(customerId, idempotencyKey);
    if (existing) {
      const same =
        existing.paymentId === input.payment &&
        (input.amount === undefined || input.amount === existing.amount) &&
        isDeepStrictEqual(existing.reason, input.reason ?? null);
      if (!same) {
        throw commonErrors.idempotency_key_reused.create('This Idempotency-Key already made a different refund.', {
          param: 'Idempotency-Key',
        });
      }
      return this.finish(existing);
    }
    const payment = await this.deps.payments.findById(input.payment);
    if (!payment || payment.customerId !== customerId) {
      throw paymentErrors.payment_not_found.create(`No such payment: ${input.payment}.`, { param: 'payment' });
    }
    const refund = await this.deps.refunds.reserve(payment.id, (locked) => {
      const decision = checkRefund(locked, input.amount);
      if (!decision.ok) {
        const { code, message } = decision.refusal;
        return {
          ok: false,
          error: paymentErrors[code].create(message, { param: code === 'amount_too_large' ? 'amount' : 'payment' }),
        };
      }
      const now = new Date();
      return {
        ok: true,
        refund: {
          id: newId('re'),
          paymentId: locked.id,
          customerId,
          amount: decision.amount,
          currency: locked.currency,
          status: 'pending',
          reason: input.reason ?? null,
          failureCode: null,
          idempotencyKey,
          ledgerTransferId: null,
          providerRefundId: null,
          action: 'debit',
          attempts: 0,
          nextAttemptAt: new Date(now.getTime() + 10_000),
          createdAt: now,
          updatedAt: now,
        },
      };
    });
    this.deps.observer?.refundChanged(refund);
    const done = await this.finish(refund);
    if (done.status === 'failed' && done.failureCode === 'insufficient_funds') {
      throw paymentErrors.insufficient_funds.create(
        `Wallet ${payment.accountId} no longer holds ${refund.amount} to refund; nothing moved.`,
        { param: 'amount', details: { refund: refund.id } },
      );
    }
    return done;
  }

  /** Runs the refund's remaining steps; on an unreachable peer, leaves them to the job with backoff. */
  async finish(refund: Refund): Promise<Refund> {
    let current = refund;
    for (let step = 0; step < 3 && current.action; step += 1) {
      const payment = (await this.deps.payments.findById(current.paymentId))!;
      try {
        current = await this.step(current, payment);
      } catch (error) {
        return this.later(current, error);
      }
    }
    return current;
  }

  private async step(refund: Refund, payment: Payment): Promise<Refund> {
    const { ledger, provider } = this.deps;
    switch (refund.action) {
      case 'debit':
        try {
          const { transferId } = await ledger.debitForRefund(refund, payment);
          return this.update(refund, {
            ledgerTransferId: transferId,
            action: 'payout',
            nextAttemptAt: new Date(Date.now() + 10_000),
          });
        } catch (error) {
          if (!(error instanceof LedgerRefusal)) throw error;
          // The wallet no longer holds the money (spent or moved): nothing moved, the refund fails.
          return this.fail(refund, error.code === 'insufficient_funds' ? 'insufficient_funds' : error.code);
        }
      case 'payout':
        try {
          const { providerRefundId } = await provider.refund({
            paymentId: payment.id,
            refundId: refund.id,
            amount: refund.amount,
          });
          return this.update(
            refund,
            { status: 'succeeded', providerRefundId, action: null, nextAttemptAt: null },
            true,
          );
        } catch (error) {
          if (!(error instanceof ProviderRefusal)) throw error;
          // The provider will not pay out: the wallet gets its money back before the refund fails.
          return this.update(refund, { action: 'reverse', failureCode: error.code, nextAttemptAt: new Date() });
        }
      case 'reverse':
        await ledger.reverseRefund(refund, payment);
        return this.fail(refund, refund.failureCode ?? 'provider_refused');
      default:
        return refund;
    }
  }

  private async fail(refund: Refund, failureCode: string): Promise<Refund> {
    return this.update(refund, { status: 'failed', failureCode, action: null, nextAttemptAt: null }, true);
  }

  private async update(
    refund: Refund,
    changes: Parameters<RefundStore['update']>[1],
    announce = false,
  ): Promise<Refund> {
    const next = await this.deps.refunds.update(refund.id, changes, announce ? refundEvent : undefined);
    if (!next) return (await this.deps.refunds.findById(refund.id))!;
    if (announce) {
      this.deps.observer?.refundChanged(next);
      this.deps.events.wake();
    }
    return next;
  }

  private async later(refund: Refund, error: unknown): Promise<Refund> {
    const attempts = refund.attempts + 1;
    const nextAttemptAt = new Date(Date.now() + nextAttemptDelayMs(attempts));
    this.deps.logger.warn(
      { err: error, refund_id: refund.id, attempts, next_attempt_at: nextAttemptAt.toISOString() },
      `refund ${refund.action} failed; the settlement job tries again`,
    );
    return this.update(refund, { attempts, nextAttemptAt });
  }

  /** One pass of the settlement job over refunds; true when there may be more. */
  async workDue(batchSize = 20): Promise<boolean> {
    const due = await this.deps.refunds.dueForWork(batchSize);
    for (const refund of due) await this.finish(refund);
    return due.length === batchSize;
  }

  async get(customerId: string, id: string): Promise<Refund> {
    const refund = await this.deps.refunds.findById(id);
    if (!refund || refund.customerId !== customerId)
      throw paymentErrors.refund_not_found.create(`No such refund: ${id}.`, { param: 'id' });
    return refund;
  }

  list(customerId: string, page: PageRequest, paymentId?: string) {
    return this.deps.refunds.listForCustomer(customerId, page, paymentId);
  }
}
