import fs from 'node:fs/promises';
import path from 'node:path';

export type ChargeState = 'authorized' | 'captured' | 'declined' | 'pending' | 'paid' | 'expired' | 'canceled';

export interface Charge {
  id: string;
  paymentId: string;
  method: 'card' | 'pix' | 'boleto';
  amount: number;
  currency: string;
  state: ChargeState;
  capturedAmount: number;
  refunded: number;
  declineCode?: string;
  message?: string;
  description?: string | null;
  /** Pix and boleto: from this instant the sandbox refuses to take the payment. */
  expiresAt?: string;
  pix?: { txid: string; data: string };
  boleto?: {
    number: string;
    barcode: string;
    dueDate: string;
    payer: { taxId: string; name: string; email: string | null };
  };
  paidAt?: string;
  /** A cancel that arrived before the charge was issued: a late create for this payment is refused. */
  placeholder?: boolean;
  createdAt: string;
}

export interface SandboxRefund {
  id: string;
  refundId: string;
  paymentId: string;
  amount: number;
}

export interface WebhookEvent {
  id: string;
  type: 'payment.paid' | 'payment.expired' | 'payment.canceled';
  created: number;
  data: { payment_id: string; provider_payment_id: string; amount: number; occurred_at: string };
}

export interface QueuedWebhook {
  event: WebhookEvent;
  attempts: number;
  nextAttemptAt: number;
}

interface Snapshot {
  charges: Charge[];
  refunds: SandboxRefund[];
  webhooks: QueuedWebhook[];
}

/**
 * Everything the sandbox PSP knows, in memory, written to a JSON file after every change (to a
 * temporary file, then renamed, so a crash never leaves half a file) when a file is configured:
 * a Pix code shown before a restart can still be paid after it.
 */
export class SandboxState {
  readonly charges = new Map<string, Charge>(); // by our payment id
  private readonly byId = new Map<string, Charge>();
  private readonly byPixData = new Map<string, Charge>();
  private readonly byBarcode = new Map<string, Charge>();
  readonly refunds = new Map<string, SandboxRefund>(); // by refund id
  webhooks: QueuedWebhook[] = [];
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(private readonly file: string | undefined) {}

  static async open(file?: string): Promise<SandboxState> {
    const state = new SandboxState(file);
    if (!file) return state;
    try {
      const snapshot = JSON.parse(await fs.readFile(file, 'utf8')) as Snapshot;
      for (const c of snapshot.charges) state.put(c);
      for (const r of snapshot.refunds) state.refunds.set(r.refundId, r);
      state.webhooks = snapshot.webhooks;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return state;
  }

  /** Stores a charge (new or changed) and keeps the lookups by id, Pix code and barcode current. */
  put(charge: Charge): Charge {
    this.charges.set(charge.paymentId, charge);
    this.byId.set(charge.id, charge);
    if (charge.pix) this.byPixData.set(charge.pix.data, charge);
    if (charge.boleto) this.byBarcode.set(charge.boleto.barcode, charge);
    return charge;
  }

  findById(id: string): Charge | undefined {
    return this.byId.get(id);
  }

  findPix(data: string): Charge | undefined {
    return this.byPixData.get(data);
  }

  findBoleto(barcode: string): Charge | undefined {
    return this.byBarcode.get(barcode);
  }

  /** Persists the current state (coalescing changes made while a write is running). */
  save(): Promise<void> {
    if (!this.file) return Promise.resolve();
    this.dirty = true;
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const snapshot: Snapshot = {
        charges: [...this.charges.values()],
        refunds: [...this.refunds.values()],
        webhooks: this.webhooks,
      };
      const file = this.file!;
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(`${file}.tmp`, JSON.stringify(snapshot));
      await fs.rename(`${file}.tmp`, file);
    });
    return this.writing;
  }
}
