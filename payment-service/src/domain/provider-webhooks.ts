import type { Logger } from '@micropay/platform';
import type { PaymentService } from './payment-service';
import type { PaymentObserver, ProviderEvent, ProviderEventStore, PaymentStore } from './ports';

/**
 * Provider webhooks. The route only verifies the signature and records the event (once per
 * provider event id) before answering 2xx; this applies recorded events in arrival order. Every
 * outcome is a conditional step of the state machine, so a webhook delivered five times, out of
 * order, or after the payment expired changes a payment at most once and never backwards.
 */
export class ProviderWebhooks {
  constructor(
    private readonly deps: {
      events: ProviderEventStore;
      payments: PaymentStore;
      service: PaymentService;
      logger: Logger;
      observer?: PaymentObserver;
    },
  ) {}

  /** Records a verified event; false when it was delivered before. */
  receive(event: ProviderEvent): Promise<boolean> {
    return this.deps.events.record(event);
  }

  /** One pass over recorded events not yet applied; true when there may be more. */
  async processPending(batchSize = 50): Promise<boolean> {
    const pending = await this.deps.events.unprocessed(batchSize);
    for (const event of pending) {
      const outcome = await this.apply(event);
      await this.deps.events.markProcessed(event.id, outcome);
      this.deps.observer?.providerEvent(event.type, outcome);
    }
    return pending.length === batchSize;
  }

  private async apply(event: ProviderEvent): Promise<string> {
    const { payments, service, logger } = this.deps;
    const payment = await payments.findById(event.paymentId);
    if (!payment) {
      logger.error({ provider_event: event.id, payment_id: event.paymentId }, 'provider event for an unknown payment');
      return 'unknown_payment';
    }
    if (event.type === 'payment.paid') {
      if (payment.status !== 'requires_action') {
        if (payment.status === 'canceled' || payment.status === 'failed') {
          // Money arrived for a payment we gave up on: reconciliation must see this.
          logger.error(
            { provider_event: event.id, payment_id: payment.id, status: payment.status },
            'paid after it ended',
          );
          return 'paid_after_end';
        }
        return 'duplicate';
      }
      if (event.amount !== payment.amount) {
        logger.error({ provider_event: event.id, payment_id: payment.id }, 'provider settled a different amount');
        return 'amount_mismatch';
      }
      await service.steps.applySettlement(payment, event.amount, event.providerPaymentId, event.occurredAt);
      return 'applied';
    }
    // payment.expired / payment.canceled: the provider withdrew the charge.
    if (payment.status !== 'requires_action') return 'stale';
    const after = await service.withdraw(payment, 'expired', false);
    return after.status === 'canceled' ? 'applied' : 'stale';
  }
}
