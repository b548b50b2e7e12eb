export type AccountType = 'wallet' | 'system';

export interface Account {
  id: string;
  type: AccountType;
  /** The user who owns a wallet; null for system accounts. */
  ownerId: string | null;
  /** What a system account is for (`clearing:sandbox`); null for wallets. */
  code: string | null;
  currency: string;
  /** Posted balance in minor units. Credits add, debits subtract; system accounts may go negative. */
  balance: number;
  pendingDebits: number;
  pendingCredits: number;
  allowNegative: boolean;
  createdAt: Date;
}

/** What the account can spend now: posted balance minus money on hold. */
export const available = (account: Account): number => account.balance - account.pendingDebits;

export type TransferStatus = 'pending' | 'posted' | 'voided';

export interface Transfer {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  /** The amount moved (posted) or held (pending). */
  amount: number;
  currency: string;
  status: TransferStatus;
  /** What a posted transfer actually moved: `amount`, or less for a partial post of a hold. */
  postedAmount: number | null;
  /** When a pending transfer is voided unless posted first; null: never. */
  expiresAt: Date | null;
  /** When a pending transfer was posted or voided. */
  resolvedAt: Date | null;
  description: string | null;
  metadata: Record<string, string>;
  initiator: string;
  idempotencyKey: string | null;
  createdAt: Date;
}

export interface TransferRequest {
  fromAccount: string;
  toAccount: string;
  amount: number;
  currency: string;
  description?: string;
  metadata?: Record<string, string>;
  /** Place a hold (a pending transfer) instead of moving the money now. */
  pending?: boolean;
  /** A hold not posted or voided within this many seconds is voided. */
  timeoutSeconds?: number;
}

/** The balance changes of one account in one ledger operation. */
export interface AccountDelta {
  balance?: number;
  pendingDebits?: number;
  pendingCredits?: number;
}

/** Who is acting: an end user (owns wallets) or a service client (may touch system accounts). */
export interface Actor {
  kind: 'user' | 'client';
  id: string;
}

export const initiatorOf = (actor: Actor): string => `${actor.kind}:${actor.id}`;
