import { z } from 'zod';
import { AppError, commonErrors, type PeerClient, type PeerResponse } from '@micropay/platform';
import type { CardInput } from '../domain/card';
import {
  ProviderRefusal,
  ProviderSignatureError,
  type BoletoPayer,
  type CardOutcome,
  type PaymentProvider,
  type ProviderEvent,
  type ProviderPaymentState,
} from '../domain/ports';
import { verifySandboxSignature } from './sandbox-signature';

const WebhookBody = z.object({
  id: z.string().min(1).max(100),
  type: z.enum(['payment.paid', 'payment.expired', 'payment.canceled']),
  created: z.number().int(),
  data: z.object({
    payment_id: z.string().min(1).max(100),
    provider_payment_id: z.string().min(1).max(100),
    amount: z.number().int().nonnegative(),
    occurred_at: z.iso.datetime(),
  }),
});

/**
 * The sandbox PSP (local/src/sandbox) over HTTP: its own small API, as a real acquirer's would
 * be, reached through the peer client (timeout, breaker, retries: every call carries our payment
 * or refund id as Idempotency-Key, so retrying never charges twice). The same shape fits a real
 * provider adapter (Stripe, Mercado Pago) later.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox';

  constructor(
    private readonly peer: PeerClient,
    private readonly webhookSecret: string,
  ) {}

  async authorizeCard(request: {
    paymentId: string;
    amount: number;
    currency: string;
    card: CardInput;
    capture: boolean;
  }): Promise<CardOutcome> {
    const res = await this.call<{ id: string; state: string; decline_code?: string; message?: string }>(
      'POST',
      '/v1/charges',
      `charge:${request.paymentId}`,
      {
        payment_id: request.paymentId,
        amount: request.amount,
        currency: request.currency,
        card: request.card,
        capture: request.capture,
      },
    );
    if (res.state === 'declined') {
      return {
        outcome: 'declined',
        providerPaymentId: res.id,
        declineCode: res.decline_code ?? 'generic_decline',
        message: res.message ?? 'Your card was declined.',
      };
    }
    return { outcome: res.state === 'authorized' ? 'authorized' : 'captured', providerPaymentId: res.id };
  }

  async captureCard(request: { paymentId: string; amount: number }) {
    await this.call(
      'POST',
      `/v1/charges/${encodeURIComponent(request.paymentId)}/capture`,
      `capture:${request.paymentId}`,
      {
        amount: request.amount,
      },
    );
  }

  async cancel(paymentId: string) {
    const res = await this.call<{ state: string; amount?: number }>(
      'POST',
      `/v1/payments/${encodeURIComponent(paymentId)}/cancel`,
      `cancel:${paymentId}`,
      {},
    );
    return res.state === 'paid' ? { paid: true, amount: res.amount } : { paid: false };
  }

  async createPix(request: { paymentId: string; amount: number; expiresAt: Date; description: string | null }) {
    const res = await this.call<{ id: string; data: string; image_url_png: string; hosted_instructions_url: string }>(
      'POST',
      '/v1/pix',
      `pix:${request.paymentId}`,
      {
        payment_id: request.paymentId,
        amount: request.amount,
        expires_at: request.expiresAt.toISOString(),
        description: request.description,
      },
    );
    return {
      providerPaymentId: res.id,
      data: res.data,
      imageUrlPng: res.image_url_png,
      hostedInstructionsUrl: res.hosted_instructions_url,
    };
  }

  async createBoleto(request: {
    paymentId: string;
    amount: number;
    dueDate: string;
    expiresAt: Date;
    payer: BoletoPayer;
    description: string | null;
  }) {
    const res = await this.call<{ id: string; number: string; barcode: string; hosted_voucher_url: string }>(
      'POST',
      '/v1/boletos',
      `boleto:${request.paymentId}`,
      {
        payment_id: request.paymentId,
        amount: request.amount,
        due_date: request.dueDate,
        expires_at: request.expiresAt.toISOString(),
        payer: { tax_id: request.payer.taxId, name: request.payer.name, email: request.payer.email },
        description: request.description,
      },
    );
    return {
      providerPaymentId: res.id,
      number: res.number,
      barcode: res.barcode,
      hostedVoucherUrl: res.hosted_voucher_url,
    };
  }

  async lookup(paymentId: string): Promise<ProviderPaymentState> {
    const res = await this.peer.request<{
      id: string;
      state: string;
      amount: number;
      decline_code?: string;
      message?: string;
    }>({
      method: 'GET',
      path: `/v1/payments/${encodeURIComponent(paymentId)}`,
    });
    if (res.status === 404) return { state: 'unknown' };
    const body = this.expectOk(res);
    switch (body.state) {
      case 'authorized':
      case 'pending':
      case 'canceled':
        return { state: body.state, providerPaymentId: body.id };
      case 'captured':
      case 'paid':
        return { state: body.state, providerPaymentId: body.id, amount: body.amount };
      case 'declined':
        return {
          state: 'declined',
          providerPaymentId: body.id,
          declineCode: body.decline_code ?? 'generic_decline',
          message: body.message ?? 'Your card was declined.',
        };
      default:
        throw new Error(`sandbox answered an unknown state: ${body.state}`);
    }
  }

  async refund(request: { paymentId: string; refundId: string; amount: number }) {
    const res = await this.call<{ id: string }>('POST', '/v1/refunds', `refund:${request.refundId}`, {
      payment_id: request.paymentId,
      refund_id: request.refundId,
      amount: request.amount,
    });
    return { providerRefundId: res.id };
  }

  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>): ProviderEvent {
    try {
      verifySandboxSignature(this.webhookSecret, rawBody, headers['sandbox-signature']);
    } catch (error) {
      throw new ProviderSignatureError((error as Error).message);
    }
    let parsed: z.infer<typeof WebhookBody>;
    try {
      parsed = WebhookBody.parse(JSON.parse(rawBody.toString('utf8')));
    } catch {
      throw new ProviderSignatureError('the signed body is not a sandbox event');
    }
    return {
      id: parsed.id,
      type: parsed.type,
      paymentId: parsed.data.payment_id,
      providerPaymentId: parsed.data.provider_payment_id,
      amount: parsed.data.amount,
      occurredAt: new Date(parsed.data.occurred_at),
    };
  }

  private async call<T>(
    method: 'POST',
    path: string,
    idempotencyKey: string,
    body: Record<string, unknown>,
  ): Promise<T> {
    return this.expectOk(await this.peer.request<T>({ method, path, idempotencyKey, body }));
  }

  /** A 4xx is the provider's answer (ProviderRefusal); anything else means it could not be asked. */
  private expectOk<T>(res: PeerResponse<T>): T {
    if (res.status >= 200 && res.status < 300) return res.body;
    const error = (res.body as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status >= 400 && res.status < 500) {
      throw new ProviderRefusal(
        error?.code ?? 'provider_refused',
        error?.message ?? `the sandbox answered ${res.status}`,
      );
    }
    throw new AppError(
      commonErrors.upstream_unavailable.code,
      503,
      `The payment provider is unavailable (${res.status}).`,
    );
  }
}
