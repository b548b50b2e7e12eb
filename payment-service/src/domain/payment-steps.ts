import type { Logger } from '@micropay/platform';
import { canMove, nextAttemptDelayMs, type Payment, type PaymentStatus } from './payment';
import { presentPayment } from './presenters';
import {
  LedgerRefusal,
  type CardOutcome,
  type EventNotifier,
  type LedgerGateway,
  type PaymentChanges,
  type PaymentObserver,
  type PaymentProvider,
  type PaymentStore,
} from './ports';

export interface StepDeps {
  store: PaymentStore;
  provider: PaymentProvider;
  ledger: LedgerGateway;
  events: EventNotifier;
  logger: Logger;
  observer?: PaymentObserver;
  /** How long a manual-capture authorisation may wait for capture. */
  authorizationTtlSeconds: number;
}

/** The event a status change announces: `payment.<status>` with the payment as the API shows it. */
export const paymentEvent = (payment: Payment) => ({
  type: `payment.${payment.status}`,
  data: presentPayment(payment),
});

/** How long the inline attempt has before the settlement job may pick the same work up. */
const INLINE_GRACE_MS = 10_000;
const soon = () => new Date(Date.now() + INLINE_GRACE_MS);

/**
 * The steps that move a payment, shared by the API (which tries them at once) and the jobs
 * (which finish them when a peer was down). Each step is a conditional update of the row, so
 * running a step twice, or a request and a job racing, changes a payment once; each call to the
 * ledger or the provider is keyed by the payment id, so repeating it moves money once.
 */
export class PaymentSteps {
  constructor(private readonly deps: StepDeps) {}

  /** Moves the payment (only from `from`), announcing a status change; undefined when it was elsewhere. */
  async move(
    payment: Payment,
    from: readonly PaymentStatus[],
    changes: PaymentChanges,
    where?: Partial<Pick<Payment, 'ledgerAction' | 'providerAction'>>,
  ): Promise<Payment | undefined> {
    const to = changes.status;
    // The transition table is the state machine: a step asking for an edge it lacks is a bug.
    const illegal = to === undefined ? [] : from.filter((f) => f !== to && !canMove(f, to));
    if (illegal.length) throw new Error(`payment state machine has no edge ${illegal.join('|')} -> ${to}`);
    const announces = to !== undefined && to !== payment.status;
    const moved = await this.deps.store.update(payment.id, from, changes, {
      where,
      event: announces ? paymentEvent : undefined,
    });
    if (moved && announces) {
      this.deps.observer?.statusChanged(moved);
      this.deps.events.wake();
    }
    return moved;
  }

  /** What the provider said about a card authorisation, applied; then the ledger step it calls for. */
  async applyCardOutcome(payment: Payment, outcome: CardOutcome): Promise<Payment> {
    if (outcome.outcome === 'declined') {
      const failed = await this.move(payment, ['processing'], {
        status: 'failed',
        failureCode: outcome.declineCode,
        failureMessage: outcome.message,
        providerPaymentId: outcome.providerPaymentId,
        providerAction: null,
      });
      return failed ?? this.reload(payment);
    }
    const now = new Date();
    const changes: PaymentChanges =
      outcome.outcome === 'captured'
        ? {
            capturedAt: now,
            amountReceived: payment.amount,
            ledgerAction: 'credit',
          }
        : {
            authorizedAt: now,
            amountCapturable: payment.amount,
            expiresAt: new Date(now.getTime() + this.deps.authorizationTtlSeconds * 1000),
            ledgerAction: 'hold',
          };
    const next = await this.move(
      payment,
      ['processing'],
      { ...changes, providerPaymentId: outcome.providerPaymentId, providerAction: null, nextAttemptAt: soon() },
      { ledgerAction: null },
    );
    return next ? this.runLedger(next) : this.reload(payment);
  }

  /** The provider confirmed the money of a Pix or boleto (settlement) — or a card captured after the fact. */
  async applySettlement(
    payment: Payment,
    amount: number,
    providerPaymentId: string,
    at = new Date(),
  ): Promise<Payment> {
    const next = await this.move(payment, ['requires_action'], {
      status: 'processing',
      capturedAt: at,
      amountReceived: amount,
      providerPaymentId,
      providerAction: null,
      ledgerAction: 'credit',
      nextAttemptAt: soon(),
    });
    return next ? this.runLedger(next) : this.reload(payment);
  }

  /** Does the ledger action the payment owes; on failure schedules the next attempt with backoff. */
  async runLedger(payment: Payment): Promise<Payment> {
    const { ledger } = this.deps;
    const action = payment.ledgerAction;
    if (!action) return payment;
    try {
      switch (action) {
        case 'credit': {
          const { transferId } = await ledger.credit(payment);
          return (
            (await this.move(
              payment,
              ['processing'],
              { status: 'succeeded', ledgerTransferId: transferId, ledgerAction: null, nextAttemptAt: null },
              { ledgerAction: 'credit' },
            )) ?? this.reload(payment)
          );
        }
        case 'hold': {
          // The hold outlives the authorisation by a day, so that it is our expiry (which also
          // tells the provider) that releases it, never the ledger's own sweeper first.
          // (The ledger takes holds of at most 30 days.)
          const timeout = Math.min(this.deps.authorizationTtlSeconds + 86_400, 30 * 86_400);
          const { transferId } = await ledger.hold(payment, timeout);
          return (
            (await this.move(
              payment,
              ['processing'],
              { status: 'requires_capture', ledgerHoldId: transferId, ledgerAction: null, nextAttemptAt: null },
              { ledgerAction: 'hold' },
            )) ?? this.reload(payment)
          );
        }
        case 'post': {
          const transfer = await this.postOrCredit(payment);
          return (
            (await this.move(
              payment,
              ['processing'],
              { status: 'succeeded', ledgerTransferId: transfer, ledgerAction: null, nextAttemptAt: null },
              { ledgerAction: 'post' },
            )) ?? this.reload(payment)
          );
        }
        case 'void': {
          if (payment.ledgerHoldId) await ledger.void(payment.ledgerHoldId);
          return (
            (await this.move(
              payment,
              [payment.status],
              { ledgerAction: null, nextAttemptAt: payment.providerAction ? payment.nextAttemptAt : null },
              { ledgerAction: 'void' },
            )) ?? this.reload(payment)
          );
        }
      }
    } catch (error) {
      return this.later(payment, error, `ledger ${action}`);
    }
  }

  /**
   * Posts a manual capture's hold. A hold the ledger already voided (it outlived its timeout)
   * cannot be posted, but the provider did capture the money: it is credited as a plain transfer.
   */
  private async postOrCredit(payment: Payment): Promise<string> {
    if (!payment.ledgerHoldId) return (await this.deps.ledger.credit(payment)).transferId;
    try {
      return (await this.deps.ledger.post(payment.ledgerHoldId, payment.amountReceived)).id;
    } catch (error) {
      if (!(error instanceof LedgerRefusal) || error.code !== 'transfer_not_pending') throw error;
      this.deps.logger.warn({ payment_id: payment.id }, 'authorisation hold was no longer pending; crediting instead');
      return (await this.deps.ledger.credit(payment)).transferId;
    }
  }

  /** Keeps the work for the settlement job, with exponential backoff capped at 5 minutes. */
  async later(payment: Payment, error: unknown, what: string): Promise<Payment> {
    const attempts = payment.attempts + 1;
    const nextAttemptAt = new Date(Date.now() + nextAttemptDelayMs(attempts));
    const level = error instanceof LedgerRefusal ? 'error' : 'warn';
    this.deps.logger[level](
      { err: error, payment_id: payment.id, attempts, next_attempt_at: nextAttemptAt.toISOString() },
      `${what} failed; the settlement job tries again`,
    );
    const kept = await this.deps.store.update(payment.id, [payment.status], { attempts, nextAttemptAt });
    return kept ?? this.reload(payment);
  }

  async reload(payment: Payment): Promise<Payment> {
    return (await this.deps.store.findById(payment.id)) ?? payment;
  }
}
