import { createHash, randomUUID } from 'node:crypto';
import { buildBoleto, parseBoleto } from './codecs/boleto';
import { buildBrCode, parseBrCode } from './codecs/br-code';
import type { SandboxConfig } from './config';
import type { Charge, SandboxState, WebhookEvent } from './sandbox-state';
import { SANDBOX_TEST_CARDS } from './test-cards';

/** A refusal with the HTTP status and error code the sandbox's API answers with. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

const providerId = (prefix: string, paymentId: string) =>
  `sbx_${prefix}_${createHash('sha256').update(paymentId).digest('hex').slice(0, 24)}`;

/**
 * The sandbox PSP's behaviour, keyed by the merchant's payment id so every request is
 * idempotent: asking twice for the same charge returns the first answer. Cards settle in the
 * answer; Pix and boletos wait for the payer (`payPix`, `payBoleto`) and settle by webhook.
 */
export class SandboxPsp {
  constructor(
    private readonly deps: {
      state: SandboxState;
      config: Pick<SandboxConfig, 'merchant' | 'bankCode' | 'publicUrl'>;
      notify: (event: WebhookEvent) => void;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private existing(paymentId: string, method: Charge['method']): Charge | undefined {
    const charge = this.deps.state.charges.get(paymentId);
    if (charge?.placeholder) throw new SandboxError(409, 'charge_canceled', 'This payment was canceled.', 'payment_id');
    if (charge && charge.method !== method) {
      throw new SandboxError(409, 'payment_method_mismatch', `${paymentId} is a ${charge.method} charge`, 'payment_id');
    }
    return charge;
  }

  authorizeCard(input: { paymentId: string; amount: number; currency: string; cardNumber: string; capture: boolean }) {
    const previous = this.existing(input.paymentId, 'card');
    if (previous) return previous;
    const rule = SANDBOX_TEST_CARDS[input.cardNumber];
    const charge: Charge = {
      id: providerId('ch', input.paymentId),
      paymentId: input.paymentId,
      method: 'card',
      amount: input.amount,
      currency: input.currency,
      state: rule ? 'declined' : input.capture ? 'captured' : 'authorized',
      capturedAmount: rule || !input.capture ? 0 : input.amount,
      refunded: 0,
      ...(rule ? { declineCode: rule.declineCode, message: rule.message } : {}),
      createdAt: this.now().toISOString(),
    };
    return this.store(charge);
  }

  capture(paymentId: string, amount: number): Charge {
    const charge = this.card(paymentId);
    if (charge.state === 'captured') return charge; // a retry of the same capture
    if (charge.state !== 'authorized')
      throw new SandboxError(409, 'charge_not_capturable', `charge is ${charge.state}`, 'payment_id');
    if (amount > charge.amount) throw new SandboxError(400, 'amount_too_large', 'more than authorised', 'amount');
    return this.store({ ...charge, state: 'captured', capturedAmount: amount });
  }

  /** Releases an authorisation, or withdraws a Pix or boleto so the payer can no longer pay it. */
  cancel(paymentId: string): Charge {
    const charge = this.deps.state.charges.get(paymentId);
    if (!charge) {
      // Not issued yet (the create was lost): remember the cancel, so a late create is refused.
      return this.store({
        id: providerId('x', paymentId),
        paymentId,
        method: 'card',
        amount: 0,
        currency: 'brl',
        state: 'canceled',
        capturedAmount: 0,
        refunded: 0,
        placeholder: true,
        createdAt: this.now().toISOString(),
      });
    }
    if (charge.state === 'authorized' || charge.state === 'pending')
      return this.store({ ...charge, state: 'canceled' });
    return charge; // paid, captured, already canceled or expired: the answer says which
  }

  createPix(input: { paymentId: string; amount: number; expiresAt: Date; description: string | null }): Charge {
    const previous = this.existing(input.paymentId, 'pix');
    if (previous) return previous;
    const txid = createHash('sha256').update(input.paymentId).digest('hex').slice(0, 25);
    const { merchant } = this.deps.config;
    const data = buildBrCode({
      pixKey: merchant.pixKey,
      merchantName: merchant.name,
      merchantCity: merchant.city,
      amountCents: input.amount,
      txid,
    });
    return this.store({
      id: providerId('pix', input.paymentId),
      paymentId: input.paymentId,
      method: 'pix',
      amount: input.amount,
      currency: 'brl',
      state: 'pending',
      capturedAmount: 0,
      refunded: 0,
      description: input.description,
      expiresAt: input.expiresAt.toISOString(),
      pix: { txid, data },
      createdAt: this.now().toISOString(),
    });
  }

  createBoleto(input: {
    paymentId: string;
    amount: number;
    dueDate: string;
    expiresAt: Date;
    payer: { taxId: string; name: string; email: string | null };
    description: string | null;
  }): Charge {
    const previous = this.existing(input.paymentId, 'boleto');
    if (previous) return previous;
    // The bank's 25 free digits: our number, derived from the payment id so a retry prints the same boleto.
    const digest = BigInt(`0x${createHash('sha256').update(input.paymentId).digest('hex')}`);
    const freeField = (digest % 10n ** 25n).toString().padStart(25, '0');
    const boleto = buildBoleto({
      bankCode: this.deps.config.bankCode,
      amountCents: input.amount,
      dueDate: input.dueDate,
      freeField,
    });
    return this.store({
      id: providerId('bol', input.paymentId),
      paymentId: input.paymentId,
      method: 'boleto',
      amount: input.amount,
      currency: 'brl',
      state: 'pending',
      capturedAmount: 0,
      refunded: 0,
      description: input.description,
      expiresAt: input.expiresAt.toISOString(),
      boleto: { number: boleto.number, barcode: boleto.barcode, dueDate: input.dueDate, payer: input.payer },
      createdAt: this.now().toISOString(),
    });
  }

  /** The payer's bank app, after scanning the QR code or pasting the code. */
  payPix(data: string): Charge {
    try {
      parseBrCode(data);
    } catch (error) {
      throw new SandboxError(400, 'invalid_br_code', `Not a valid BR Code: ${(error as Error).message}.`, 'data');
    }
    const charge = this.deps.state.findPix(data);
    if (!charge) throw new SandboxError(404, 'charge_not_found', 'No Pix charge has this code.', 'data');
    return this.pay(charge, 'data');
  }

  /** The payer's bank, given the linha digitável or the barcode. */
  payBoleto(number: string): Charge {
    let barcode: string;
    try {
      barcode = parseBoleto(number).barcode;
    } catch (error) {
      throw new SandboxError(
        400,
        'invalid_boleto_number',
        `Not a valid boleto number: ${(error as Error).message}.`,
        'number',
      );
    }
    const charge = this.deps.state.findBoleto(barcode);
    if (!charge) throw new SandboxError(404, 'charge_not_found', 'No boleto has this number.', 'number');
    return this.pay(charge, 'number');
  }

  private pay(charge: Charge, param: string): Charge {
    if (charge.state === 'paid')
      throw new SandboxError(409, 'already_paid', 'This charge has already been paid.', param);
    if (charge.state !== 'pending' || this.now().getTime() >= Date.parse(charge.expiresAt!)) {
      throw new SandboxError(
        410,
        'charge_expired',
        `This charge can no longer be paid (${charge.state === 'pending' ? 'expired' : charge.state}).`,
        param,
      );
    }
    const paidAt = this.now().toISOString();
    const paid = this.store({ ...charge, state: 'paid', capturedAmount: charge.amount, paidAt });
    this.deps.notify(this.event('payment.paid', paid, paidAt));
    return paid;
  }

  /** Pending Pix and boletos past their expiry become expired, and the merchant is told. */
  expireDue(): number {
    let expired = 0;
    for (const charge of this.deps.state.charges.values()) {
      if (charge.state !== 'pending' || !charge.expiresAt) continue;
      if (Date.parse(charge.expiresAt) > this.now().getTime()) continue;
      const after = this.store({ ...charge, state: 'expired' });
      this.deps.notify(this.event('payment.expired', after, this.now().toISOString()));
      expired += 1;
    }
    return expired;
  }

  lookup(paymentId: string): Charge | undefined {
    const charge = this.deps.state.charges.get(paymentId);
    return charge?.placeholder ? undefined : charge;
  }

  refund(input: { paymentId: string; refundId: string; amount: number }) {
    const previous = this.deps.state.findRefund(input.refundId);
    if (previous) return previous;
    const charge = this.deps.state.charges.get(input.paymentId);
    if (!charge || (charge.state !== 'captured' && charge.state !== 'paid')) {
      throw new SandboxError(
        409,
        'charge_not_refundable',
        'Only captured or paid charges can be refunded.',
        'payment_id',
      );
    }
    if (charge.method === 'boleto')
      throw new SandboxError(400, 'refund_unsupported', 'Boletos cannot be refunded.', 'payment_id');
    if (charge.refunded + input.amount > charge.capturedAmount) {
      throw new SandboxError(400, 'amount_too_large', 'More than is left to refund.', 'amount');
    }
    this.store({ ...charge, refunded: charge.refunded + input.amount });
    const refund = { id: `sbx_re_${randomUUID().replace(/-/g, '').slice(0, 24)}`, ...input };
    this.deps.state.putRefund(refund);
    void this.deps.state.save();
    return refund;
  }

  /** A charge by the sandbox's own id (the hosted pages' URLs carry it). */
  findCharge(id: string): Charge | undefined {
    return this.deps.state.findById(id);
  }

  hostedUrl(charge: Charge): string {
    return `${this.deps.config.publicUrl}/v1/sandbox/${charge.method === 'pix' ? 'pix' : 'boletos'}/${charge.id}`;
  }

  private card(paymentId: string): Charge {
    const charge = this.deps.state.charges.get(paymentId);
    if (!charge || charge.method !== 'card')
      throw new SandboxError(404, 'charge_not_found', `No card charge for ${paymentId}.`, 'payment_id');
    return charge;
  }

  private event(type: WebhookEvent['type'], charge: Charge, occurredAt: string): WebhookEvent {
    return {
      id: `evt_sbx_${randomUUID().replace(/-/g, '')}`,
      type,
      created: Math.floor(this.now().getTime() / 1000),
      data: {
        payment_id: charge.paymentId,
        provider_payment_id: charge.id,
        amount: charge.amount,
        occurred_at: occurredAt,
      },
    };
  }

  private store(charge: Charge): Charge {
    this.deps.state.put(charge);
    void this.deps.state.save();
    return charge;
  }
}
