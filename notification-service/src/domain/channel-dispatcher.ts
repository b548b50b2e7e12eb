import { newId, type Logger } from '@micropay/platform';
import type { ChannelDelivery } from './channel-delivery';
import {
  EndpointDisabledError,
  PermanentSendError,
  type ChannelOutcome,
  type ChannelStore,
  type DeliveryObserver,
  type EmailSender,
  type NewNotification,
  type PushSender,
  type UserDirectory,
} from './ports';
import { nextDelaySeconds } from './retry-schedule';

export interface ChannelDispatcherOptions {
  store: ChannelStore;
  email: EmailSender;
  push: PushSender;
  users: UserDirectory;
  /** EMAIL_FROM: the sender of every email (an SES-verified identity in AWS). */
  from: string;
  logger: Logger;
  observer: DeliveryObserver;
  /** Seconds between attempts (CHANNEL_RETRY_SCHEDULE); attempts = its length + 1. */
  retrySchedule: number[];
  batchSize?: number;
  /** Longer than one attempt can take (address lookup + send), so a lease never ends mid-attempt. */
  leaseSeconds?: number;
  now?: () => Date;
}

const OUTCOME_METRIC = { sent: 'delivered', pending: 'retrying', failed: 'failed', suppressed: 'suppressed' } as const;

/**
 * Sends queued emails and pushes (the queue of ADR 0007): one attempt per claimed delivery, its
 * outcome written with the lease cleared. Retryable failures (the address book or the provider
 * unavailable, throttling) back off on the schedule; permanent ones (no such user, a rejected
 * message, a disabled endpoint) and suppressed addresses end the delivery at once.
 */
export class ChannelDispatcher {
  constructor(private readonly options: ChannelDispatcherOptions) {}

  /** One pass over due deliveries; true when a full batch was claimed (there may be more). */
  async dispatchDue(): Promise<boolean> {
    const batchSize = this.options.batchSize ?? 20;
    const claimed = await this.options.store.claimDue(batchSize, this.options.leaseSeconds ?? 60);
    await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
    return claimed.length === batchSize;
  }

  private async attempt(delivery: ChannelDelivery): Promise<void> {
    const { store, logger, observer } = this.options;
    let outcome: ChannelOutcome;
    try {
      outcome = delivery.channel === 'email' ? await this.sendEmail(delivery) : await this.sendPush(delivery);
    } catch (error) {
      outcome = this.failure(delivery, error);
    }
    const sent = outcome.status === 'sent' ? this.notificationOf(delivery) : undefined;
    await store.recordOutcome(delivery, outcome, sent);
    observer.deliveries(delivery.channel, OUTCOME_METRIC[outcome.status], 1);
    logger.info(
      {
        delivery_id: delivery.id,
        channel: delivery.channel,
        event_id: delivery.eventId,
        device_id: delivery.deviceId ?? undefined,
        outcome: outcome.status,
        error: outcome.status === 'sent' ? undefined : outcome.error,
      },
      `${delivery.channel} attempt`,
    );
  }

  private async sendEmail(delivery: ChannelDelivery & { channel: 'email' }): Promise<ChannelOutcome> {
    const to = await this.options.users.emailOf(delivery.userId);
    if (!to) return { status: 'failed', error: `no user ${delivery.userId}` };
    if (await this.options.store.isSuppressed(to))
      return { status: 'suppressed', error: 'the address bounced or complained before; not sent' };
    const { subject, text, html } = delivery.message;
    const { messageId } = await this.options.email.send({
      id: delivery.id,
      from: this.options.from,
      to,
      subject,
      text,
      html,
    });
    return { status: 'sent', providerMessageId: messageId };
  }

  private async sendPush(delivery: ChannelDelivery & { channel: 'push' }): Promise<ChannelOutcome> {
    const device = await this.options.store.findDevice(delivery.deviceId);
    if (!device) return { status: 'failed', error: 'device removed' };
    if (device.status === 'disabled') return { status: 'failed', error: 'device disabled' };
    const { messageId } = await this.options.push.publish(device, delivery.message);
    return { status: 'sent', providerMessageId: messageId };
  }

  private failure(delivery: ChannelDelivery, error: unknown): ChannelOutcome {
    const message = (error as Error).message || String(error);
    if (error instanceof EndpointDisabledError) return { status: 'failed', error: message, disableDevice: true };
    if (error instanceof PermanentSendError) return { status: 'failed', error: message };
    const delay = nextDelaySeconds(this.options.retrySchedule, delivery.attempts + 1);
    if (delay === null) return { status: 'failed', error: message };
    const now = this.options.now?.() ?? new Date();
    return { status: 'pending', error: message, nextAttemptAt: new Date(now.getTime() + delay * 1000) };
  }

  /** What GET /v1/notifications shows for a sent email or push. */
  private notificationOf(delivery: ChannelDelivery): NewNotification {
    const common = { id: newId('ntf'), userId: delivery.userId, eventId: delivery.eventId, type: delivery.eventType };
    if (delivery.channel === 'email') {
      const m = delivery.message;
      return { ...common, channel: 'email', title: m.subject, body: m.summary, data: m.data };
    }
    const m = delivery.message;
    return { ...common, channel: 'push', title: m.title, body: m.body, data: m.data };
  }
}
