import { newId } from '@micropay/platform';
import { ledgerErrors } from './errors';
import { available, initiatorOf, type Account, type Actor, type Page, type Transfer, type TransferRequest } from './ledger-types';

/** The ledger's storage, as the use cases need it. One `inTransaction` call = one DB transaction. */
export interface LedgerStore {
  inTransaction<T>(work: (tx: LedgerTransaction) => Promise<T>): Promise<T>;
  findAccount(id: string): Promise<Account | undefined>;
  findAccounts(ids: string[]): Promise<Map<string, Account>>;
  listWallets(ownerId: string, page: Page): Promise<{ data: Account[]; hasMore: boolean }>;
  findTransfer(id: string): Promise<Transfer | undefined>;
  /** Inserts unless one exists for the owner+currency (or code+currency); returns the row either way. */
  upsertAccount(account: Omit<Account, 'balance' | 'pendingDebits' | 'pendingCredits' | 'createdAt'>): Promise<{ account: Account; created: boolean }>;
}

export interface LedgerTransaction {
  /** Locks the accounts (FOR UPDATE, in id order so concurrent transfers cannot deadlock). */
  lockAccounts(ids: string[]): Promise<Map<string, Account>>;
  findTransferByKey(initiator: string, idempotencyKey: string): Promise<Transfer | undefined>;
  insertTransfer(transfer: Transfer): Promise<Transfer>;
  /** Adds `delta` to the posted balance and returns the updated account. */
  addToBalance(accountId: string, delta: number): Promise<Account>;
  findAccounts(ids: string[]): Promise<Map<string, Account>>;
}

export interface TransferResult {
  transfer: Transfer;
  from: Account;
  to: Account;
}

const canSee = (actor: Actor, account: Account) => actor.kind === 'client' || account.ownerId === actor.id;

export class LedgerService {
  constructor(private readonly store: LedgerStore) {}

  /** The caller's wallet in a currency; the same one on every call. */
  openWallet(ownerId: string, currency: string) {
    return this.store.upsertAccount({ id: newId('acct'), type: 'wallet', ownerId, code: null, currency, allowNegative: false });
  }

  /** A system account (provider clearing, fees…), created on first use. */
  ensureSystemAccount(code: string, currency: string) {
    return this.store.upsertAccount({ id: newId('acct'), type: 'system', ownerId: null, code, currency, allowNegative: true });
  }

  async getAccount(actor: Actor, id: string): Promise<Account> {
    const account = await this.store.findAccount(id);
    // Someone else's account answers exactly like a missing one: ids reveal nothing.
    if (!account || !canSee(actor, account)) throw ledgerErrors.account_not_found.create(`No such account: ${id}.`, { param: 'id' });
    return account;
  }

  listWallets(ownerId: string, page: Page) {
    return this.store.listWallets(ownerId, page);
  }

  async getTransfer(actor: Actor, id: string): Promise<Transfer> {
    const notFound = () => ledgerErrors.transfer_not_found.create(`No such transfer: ${id}.`, { param: 'id' });
    const transfer = await this.store.findTransfer(id);
    if (!transfer) throw notFound();
    if (actor.kind === 'user') {
      const accounts = await this.store.findAccounts([transfer.debitAccountId, transfer.creditAccountId]);
      if (![...accounts.values()].some((a) => a.ownerId === actor.id)) throw notFound();
    }
    return transfer;
  }

  /**
   * Moves `amount` from one account to another in one DB transaction: both balances and the
   * transfer row commit together or not at all. Users move money only out of their own wallets
   * and never touch system accounts; an Idempotency-Key yields at most one transfer.
   */
  async createTransfer(actor: Actor, request: TransferRequest, idempotencyKey?: string): Promise<TransferResult> {
    if (request.fromAccount === request.toAccount) {
      throw ledgerErrors.same_account.create('from_account and to_account must differ.', { param: 'to_account' });
    }
    const initiator = initiatorOf(actor);
    return this.store.inTransaction(async (tx) => {
      if (idempotencyKey) {
        const existing = await tx.findTransferByKey(initiator, idempotencyKey);
        if (existing) {
          const accounts = await tx.findAccounts([existing.debitAccountId, existing.creditAccountId]);
          return { transfer: existing, from: accounts.get(existing.debitAccountId)!, to: accounts.get(existing.creditAccountId)! };
        }
      }
      const accounts = await tx.lockAccounts([request.fromAccount, request.toAccount]);
      const from = accounts.get(request.fromAccount);
      const to = accounts.get(request.toAccount);
      if (!from || !canSee(actor, from)) {
        throw ledgerErrors.account_not_found.create(`No such account: ${request.fromAccount}.`, { param: 'from_account' });
      }
      if (!to) throw ledgerErrors.account_not_found.create(`No such account: ${request.toAccount}.`, { param: 'to_account' });
      if (actor.kind === 'user' && to.type === 'system') {
        throw ledgerErrors.system_account_forbidden.create(undefined, { param: 'to_account' });
      }
      for (const [param, account] of [['from_account', from], ['to_account', to]] as const) {
        if (account.currency !== request.currency) {
          throw ledgerErrors.currency_mismatch.create(`${param} ${account.id} holds ${account.currency}, not ${request.currency}.`, { param: 'currency' });
        }
      }
      if (!from.allowNegative && available(from) < request.amount) {
        throw ledgerErrors.insufficient_funds.create(
          `Account ${from.id} has ${available(from)} available; the transfer needs ${request.amount}.`,
          { param: 'amount' },
        );
      }
      const transfer = await tx.insertTransfer({
        id: newId('tr'),
        debitAccountId: from.id,
        creditAccountId: to.id,
        amount: request.amount,
        currency: request.currency,
        status: 'posted',
        description: request.description ?? null,
        metadata: request.metadata ?? {},
        initiator,
        idempotencyKey: idempotencyKey ?? null,
        createdAt: new Date(),
      });
      const fromAfter = await tx.addToBalance(from.id, -request.amount);
      const toAfter = await tx.addToBalance(to.id, request.amount);
      return { transfer, from: fromAfter, to: toAfter };
    });
  }
}
