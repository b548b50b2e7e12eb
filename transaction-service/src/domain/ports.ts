import type { PageRequest, PageResult, WithinTransaction } from '@micropay/platform';
import type { Account, AccountDelta, Transfer } from './ledger-types';
import type { LedgerAudit } from './ledger-verification';

/** The ledger's storage, as the use cases need it: implemented in data/ledger-repository.ts. */
export interface LedgerStore {
  /**
   * Runs `work` in one DB transaction, run again from the start if the database aborts it
   * (deadlock, serialization); `alsoWrite` (the stored idempotent response) runs in the same
   * transaction once `work` has its result.
   */
  inTransaction<T>(work: (tx: LedgerTransaction) => Promise<T>, alsoWrite?: WithinTransaction<T>): Promise<T>;
  findAccount(id: string): Promise<Account | undefined>;
  findAccounts(ids: string[]): Promise<Map<string, Account>>;
  listWallets(ownerId: string, page: PageRequest): Promise<PageResult<Account>>;
  findTransfer(id: string): Promise<Transfer | undefined>;
  /** Transfers debiting or crediting the account, newest first; cost independent of history size. */
  listAccountTransfers(accountId: string, page: PageRequest): Promise<PageResult<Transfer>>;
  /** Ids of pending transfers whose deadline has passed (database clock), oldest deadline first. */
  findExpiredPending(limit: number): Promise<string[]>;
  /** Totals and mismatches, read from one snapshot. */
  audit(): Promise<LedgerAudit>;
  /** Inserts unless one exists for the owner+currency (or code+currency); returns the row either way. */
  upsertAccount(
    account: Omit<Account, 'balance' | 'pendingDebits' | 'pendingCredits' | 'createdAt'>,
  ): Promise<{ account: Account; created: boolean }>;
}

export interface LedgerTransaction {
  /** Locks the accounts (FOR UPDATE, in id order so concurrent transfers cannot deadlock). */
  lockAccounts(ids: string[]): Promise<Map<string, Account>>;
  findTransferByKey(initiator: string, idempotencyKey: string): Promise<Transfer | undefined>;
  insertTransfer(
    transfer: Omit<Transfer, 'createdAt' | 'expiresAt' | 'resolvedAt'>,
    timeoutSeconds?: number,
  ): Promise<Transfer>;
  /** Locks a transfer row; `expired` is true when its deadline has passed by the database clock. */
  lockTransfer(id: string): Promise<{ transfer: Transfer; expired: boolean } | undefined>;
  /** The one update a transfer row ever gets: pending → posted | voided. */
  resolveTransfer(id: string, status: 'posted' | 'voided', postedAmount: number | null): Promise<Transfer>;
  /** Adds each delta to its account's balances, in one statement; returns the updated accounts by id. */
  applyToAccounts(deltas: ReadonlyArray<{ accountId: string; delta: AccountDelta }>): Promise<Map<string, Account>>;
  findAccounts(ids: string[]): Promise<Map<string, Account>>;
  /** Writes events to the outbox in this transaction (one statement): they exist exactly when the change does. */
  recordEvents(events: ReadonlyArray<{ type: string; data: Record<string, unknown> }>): Promise<void>;
}
