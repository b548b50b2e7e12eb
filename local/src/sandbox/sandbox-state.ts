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

/** One line of the journal: a charge or refund as it now is, or the whole (small) webhook queue. */
type JournalEntry = { charge: Charge } | { refund: SandboxRefund } | { webhooks: QueuedWebhook[] };

/** The journal is rewritten from memory once it holds this many lines more than there are records. */
const COMPACT_AFTER_EXTRA_LINES = 10_000;

/**
 * Everything the sandbox PSP knows, in memory, and journaled to a file when one is configured:
 * each change appends the records it touched as JSON lines (later lines win), so a Pix code
 * shown before a restart can still be paid after it. Appending costs the change, not the size
 * of the state (rewriting the whole state after every change grew with every charge ever made);
 * once the journal holds far more lines than records, it is rewritten to a temporary file and
 * renamed over, so a crash never leaves half a file. A torn last line (a crash mid-append) is
 * skipped when the journal is read back.
 */
export class SandboxState {
  readonly charges = new Map<string, Charge>(); // by our payment id
  private readonly byId = new Map<string, Charge>();
  private readonly byPixData = new Map<string, Charge>();
  private readonly byBarcode = new Map<string, Charge>();
  private readonly refundsById = new Map<string, SandboxRefund>(); // by refund id
  webhooks: QueuedWebhook[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly changedCharges = new Set<string>();
  private readonly changedRefunds = new Set<string>();
  private dirty = false;
  private journalLines = 0;

  private constructor(
    private readonly file: string | undefined,
    private readonly compactAfterExtraLines: number,
  ) {}

  static async open(file?: string, options: { compactAfterExtraLines?: number } = {}): Promise<SandboxState> {
    const state = new SandboxState(file, options.compactAfterExtraLines ?? COMPACT_AFTER_EXTRA_LINES);
    if (!file) return state;
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return state;
    }
    const lines = text.split('\n').filter(Boolean);
    for (const [i, line] of lines.entries()) {
      let entry: JournalEntry | { charges: Charge[]; refunds: SandboxRefund[]; webhooks: QueuedWebhook[] };
      try {
        entry = JSON.parse(line);
      } catch (error) {
        if (i === lines.length - 1) break; // torn by a crash mid-append: the change never completed
        throw new Error(`${file}: line ${i + 1} is not JSON`, { cause: error });
      }
      if ('charges' in entry) {
        // A whole-state snapshot, as earlier versions wrote it.
        for (const c of entry.charges) state.put(c, false);
        for (const r of entry.refunds) state.refundsById.set(r.refundId, r);
        state.webhooks = entry.webhooks;
      } else if ('charge' in entry) state.put(entry.charge, false);
      else if ('refund' in entry) state.refundsById.set(entry.refund.refundId, entry.refund);
      else state.webhooks = entry.webhooks;
    }
    state.journalLines = lines.length;
    return state;
  }

  /** Stores a charge (new or changed) and keeps the lookups by id, Pix code and barcode current. */
  put(charge: Charge, journal = true): Charge {
    this.charges.set(charge.paymentId, charge);
    this.byId.set(charge.id, charge);
    if (charge.pix) this.byPixData.set(charge.pix.data, charge);
    if (charge.boleto) this.byBarcode.set(charge.boleto.barcode, charge);
    if (journal) this.changedCharges.add(charge.paymentId);
    return charge;
  }

  findRefund(refundId: string): SandboxRefund | undefined {
    return this.refundsById.get(refundId);
  }

  putRefund(refund: SandboxRefund): SandboxRefund {
    this.refundsById.set(refund.refundId, refund);
    this.changedRefunds.add(refund.refundId);
    return refund;
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

  /**
   * Journals what changed since the last save, and the webhook queue (changes made while a write
   * is running are coalesced into the next one).
   */
  save(): Promise<void> {
    if (!this.file) return Promise.resolve();
    this.dirty = true;
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const file = this.file!;
      const entries: JournalEntry[] = [
        ...[...this.changedCharges].map((id) => ({ charge: this.charges.get(id)! })),
        ...[...this.changedRefunds].map((id) => ({ refund: this.refundsById.get(id)! })),
        { webhooks: this.webhooks },
      ];
      this.changedCharges.clear();
      this.changedRefunds.clear();
      await fs.mkdir(path.dirname(file), { recursive: true });
      const records = this.charges.size + this.refundsById.size + 1;
      if (this.journalLines + entries.length > records + this.compactAfterExtraLines) {
        const all: JournalEntry[] = [
          ...[...this.charges.values()].map((charge) => ({ charge })),
          ...[...this.refundsById.values()].map((refund) => ({ refund })),
          { webhooks: this.webhooks },
        ];
        await fs.writeFile(`${file}.tmp`, all.map((e) => `${JSON.stringify(e)}\n`).join(''));
        await fs.rename(`${file}.tmp`, file);
        this.journalLines = all.length;
      } else {
        await fs.appendFile(file, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
        this.journalLines += entries.length;
      }
    });
    return this.writing;
  }
}
