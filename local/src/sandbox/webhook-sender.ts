import type { Logger } from '@micropay/platform';
import { signSandboxPayload } from './signature';
import type { QueuedWebhook, SandboxState, WebhookEvent } from './sandbox-state';

const MAX_DELAY_MS = 60_000;

/**
 * Delivers the sandbox's webhooks like a PSP does: signed, retried with exponential backoff
 * (1 s, 2 s, 4 s … up to a minute) until the receiver answers 2xx, kept across restarts in the
 * sandbox's state. Delivery is at least once: the receiver deduplicates by event id.
 */
export class WebhookSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      state: SandboxState;
      url: () => string;
      secret: string;
      logger: Logger;
      timeoutMs?: number;
    },
  ) {}

  enqueue(event: WebhookEvent): void {
    this.deps.state.webhooks.push({ event, attempts: 0, nextAttemptAt: Date.now() });
    void this.deps.state.save();
    this.wake();
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), 500);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  wake(): void {
    if (this.running) return;
    this.running = this.deliverDue().finally(() => (this.running = undefined));
  }

  private async deliverDue(): Promise<void> {
    const { state } = this.deps;
    const due = state.webhooks.filter((w) => w.nextAttemptAt <= Date.now());
    for (const webhook of due) {
      const delivered = await this.deliver(webhook);
      if (delivered) state.webhooks = state.webhooks.filter((w) => w !== webhook);
      else {
        webhook.attempts += 1;
        webhook.nextAttemptAt = Date.now() + Math.min(MAX_DELAY_MS, 1000 * 2 ** (webhook.attempts - 1));
      }
    }
    if (due.length) await state.save();
  }

  private async deliver(webhook: QueuedWebhook): Promise<boolean> {
    const body = JSON.stringify(webhook.event);
    const signature = signSandboxPayload(this.deps.secret, body, Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(this.deps.url(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sandbox-signature': signature },
        body,
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 10_000),
      });
      if (res.ok) return true;
      this.deps.logger.warn({ event: webhook.event.id, status: res.status }, 'webhook refused; retrying later');
    } catch (error) {
      this.deps.logger.warn({ event: webhook.event.id, err: error }, 'webhook receiver unreachable; retrying later');
    }
    return false;
  }
}
