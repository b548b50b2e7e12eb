import { isDeepStrictEqual } from 'node:util';
import { AppError, commonErrors, newId, type PageRequest, type WithinTransaction } from '@micropay/platform';
import { ledgerErrors } from './errors';
import {
  available,
  initiatorOf,
  type Account,
  type AccountDelta,
  type Actor,
  type Transfer,
  type TransferRequest,
} from './ledger-types';
import { verifyLedger, type LedgerVerification } from './ledger-verification';
import type { LedgerStore, LedgerTransaction } from './ports';
import { presentAccount } from './presenters';

export interface TransferResult {
  transfer: Transfer;
  from: Account;
  to: Account;
  /** The Idempotency-Key had already made this transfer: nothing moved now. */
  replayed?: true;
}

export type Resolution = 'post' | 'void';

const canSee = (actor: Actor, account: Account) => actor.kind === 'client' || account.ownerId === actor.id;

/** The ledger itself resolving holds (the expiry sweeper). */
const SWEEPER: Actor = { kind: 'client', id: 'ledger-expiry-sweeper' };

export class LedgerService {
  constructor(private readonly store: LedgerStore) {}

  /** The caller's wallet in a currency; the same one on every call. */
  openWallet(ownerId: string, currency: string) {
    return this.store.upsertAccount({
      id: newId('acct'),
      type: 'wallet',
      ownerId,
      code: null,
      currency,
      allowNegative: false,
    });
  }

  /** A system account (provider clearing, fees…), created on first use. */
  ensureSystemAccount(code: string, currency: string) {
    return this.store.upsertAccount({
      id: newId('acct'),
      type: 'system',
      ownerId: null,
      code,
      currency,
      allowNegative: true,
    });
  }

  async getAccount(actor: Actor, id: string): Promise<Account> {
    const account = await this.store.findAccount(id);
    // Someone else's account answers exactly like a missing one: ids reveal nothing.
    if (!account || !canSee(actor, account))
      throw ledgerErrors.account_not_found.create(`No such account: ${id}.`, { param: 'id' });
    return account;
  }

  listWallets(ownerId: string, page: PageRequest) {
    return this.store.listWallets(ownerId, page);
  }

  async listAccountTransfers(actor: Actor, accountId: string, page: PageRequest) {
    await this.getAccount(actor, accountId);
    return this.store.listAccountTransfers(accountId, page);
  }

  async getTransfer(actor: Actor, id: string): Promise<Transfer> {
    const transfer = await this.store.findTransfer(id);
    if (!transfer || !(await this.involves(actor, transfer))) throw transferNotFound(id);
    return transfer;
  }

  /**
   * Moves `amount` from one account to another in one DB transaction: both balances and the
   * transfer row commit together or not at all. A pending transfer only holds the money: the
   * source's available balance drops now, the posted balances move when it is posted. Users
   * move money only out of their own wallets and never touch system accounts; an
   * Idempotency-Key yields at most one transfer.
   */
  async createTransfer(
    actor: Actor,
    request: TransferRequest,
    idempotencyKey?: string,
    /** Written in the transfer's transaction (the request's stored idempotent response). */
    alsoWrite?: WithinTransaction<TransferResult>,
  ): Promise<TransferResult> {
    if (request.fromAccount === request.toAccount) {
      throw ledgerErrors.same_account.create('from_account and to_account must differ.', { param: 'to_account' });
    }
    const run = (lookUpKey: boolean) =>
      this.store.inTransaction((tx) => this.transferIn(tx, actor, request, idempotencyKey, lookUpKey), alsoWrite);
    if (!idempotencyKey) return run(false);
    try {
      // The idempotency store let this request in, so its key is almost always new: the first
      // attempt does not look it up (one statement less on every transfer).
      return await run(false);
    } catch (error) {
      // It may have been a replay after all: two requests with one key raced past the store (its
      // lock had lapsed) and the transfer's unique key let only one in, or the store forgot the
      // key (24 h) and a check now refuses what was done then (the balance has moved since).
      // Run again, looking the key up first: a replay gets its transfer, anything else the same answer.
      if (isUniqueViolation(error, 'transfers_initiator_idempotency_key_unique') || error instanceof AppError) {
        return run(true);
      }
      throw error;
    }
  }

  private async transferIn(
    tx: LedgerTransaction,
    actor: Actor,
    request: TransferRequest,
    idempotencyKey: string | undefined,
    lookUpKey: boolean,
  ): Promise<TransferResult> {
    const initiator = initiatorOf(actor);
    if (idempotencyKey && lookUpKey) {
      const existing = await tx.findTransferByKey(initiator, idempotencyKey);
      if (existing) {
        if (!sameRequest(existing, request)) {
          throw commonErrors.idempotency_key_reused.create('This Idempotency-Key already made a different transfer.', {
            param: 'Idempotency-Key',
          });
        }
        const accounts = await tx.findAccounts([existing.debitAccountId, existing.creditAccountId]);
        return {
          transfer: existing,
          from: accounts.get(existing.debitAccountId)!,
          to: accounts.get(existing.creditAccountId)!,
          replayed: true,
        };
      }
    }
    const accounts = await tx.lockAccounts([request.fromAccount, request.toAccount]);
    const from = accounts.get(request.fromAccount);
    const to = accounts.get(request.toAccount);
    if (!from || !canSee(actor, from)) {
      throw ledgerErrors.account_not_found.create(`No such account: ${request.fromAccount}.`, {
        param: 'from_account',
      });
    }
    if (!to)
      throw ledgerErrors.account_not_found.create(`No such account: ${request.toAccount}.`, { param: 'to_account' });
    if (actor.kind === 'user' && to.type === 'system') {
      throw ledgerErrors.system_account_forbidden.create(undefined, { param: 'to_account' });
    }
    for (const [param, account] of [
      ['from_account', from],
      ['to_account', to],
    ] as const) {
      if (account.currency !== request.currency) {
        // Which currency a stranger's wallet holds is not the caller's business.
        const holds = canSee(actor, account) ? `holds ${account.currency}` : 'holds another currency';
        throw ledgerErrors.currency_mismatch.create(`${param} ${account.id} ${holds}, not ${request.currency}.`, {
          param: 'currency',
        });
      }
    }
    // Holds already placed count against the balance (Blnk #181 forgot this, and went negative).
    if (!from.allowNegative && available(from) < request.amount) {
      throw ledgerErrors.insufficient_funds.create(
        `Account ${from.id} has ${available(from)} available; the transfer needs ${request.amount}.`,
        { param: 'amount' },
      );
    }
    const pending = request.pending === true;
    const [fromDelta, toDelta]: [AccountDelta, AccountDelta] = pending
      ? [{ pendingDebits: request.amount }, { pendingCredits: request.amount }]
      : [{ balance: -request.amount }, { balance: request.amount }];
    checkLimits(from, fromDelta, 'from_account');
    checkLimits(to, toDelta, 'to_account');
    const transfer = await tx.insertTransfer(
      {
        id: newId('tr'),
        debitAccountId: from.id,
        creditAccountId: to.id,
        amount: request.amount,
        currency: request.currency,
        status: pending ? 'pending' : 'posted',
        postedAmount: pending ? null : request.amount,
        description: request.description ?? null,
        metadata: request.metadata ?? {},
        initiator,
        idempotencyKey: idempotencyKey ?? null,
      },
      pending ? request.timeoutSeconds : undefined,
    );
    const [fromAfter, toAfter] = await applyMovement(tx, from.id, fromDelta, to.id, toDelta);
    await announceBalances(tx, fromAfter, toAfter);
    return { transfer, from: fromAfter, to: toAfter };
  }

  /**
   * Posts a pending transfer, for its full amount or less (the rest of the hold is released), or
   * voids it; either at most once. A hold past its deadline is voided, never posted.
   */
  async resolveTransfer(actor: Actor, id: string, action: Resolution, postAmount?: number): Promise<TransferResult> {
    // Who may act is decided from a plain read: a transfer's accounts and initiator never change.
    const peek = await this.store.findTransfer(id);
    if (!peek || !(await this.involves(actor, peek))) throw transferNotFound(id);
    if (actor.kind === 'user' && peek.initiator !== initiatorOf(actor)) {
      throw ledgerErrors.transfer_forbidden.create('Only whoever created a pending transfer may post or void it.', {
        param: 'id',
      });
    }
    const outcome = await this.store.inTransaction(async (tx) => {
      // Same lock order as transfers (accounts by id, then the row), so the two never deadlock.
      const accounts = await tx.lockAccounts([peek.debitAccountId, peek.creditAccountId]);
      const locked = await tx.lockTransfer(id);
      if (!locked) throw transferNotFound(id);
      const { transfer, expired } = locked;
      if (transfer.status !== 'pending') throw notPending(transfer);
      if (action === 'post' && expired) {
        return { expired: true as const, result: await this.release(tx, accounts, transfer, 'voided', null) };
      }
      if (action === 'void')
        return { expired: false as const, result: await this.release(tx, accounts, transfer, 'voided', null) };
      const amount = postAmount ?? transfer.amount;
      if (amount > transfer.amount) {
        throw ledgerErrors.amount_exceeds_hold.create(
          `The hold is for ${transfer.amount}; at most that can be posted, not ${amount}.`,
          { param: 'amount' },
        );
      }
      return { expired: false as const, result: await this.release(tx, accounts, transfer, 'posted', amount) };
    });
    if (outcome.expired) {
      throw ledgerErrors.transfer_not_pending.create(
        `Transfer ${id} expired and was voided; it can no longer be posted.`,
        { param: 'id' },
      );
    }
    return outcome.result;
  }

  /**
   * Voids up to `limit` holds past their deadline. A hold that cannot be voided is reported in
   * `failures` and does not hold up the ones behind it.
   */
  async expireDue(limit = 100): Promise<{ voided: number; due: number; failures: { id: string; error: unknown }[] }> {
    const due = await this.store.findExpiredPending(limit);
    let voided = 0;
    const failures: { id: string; error: unknown }[] = [];
    for (const id of due) {
      try {
        await this.resolveTransfer(SWEEPER, id, 'void');
        voided += 1;
      } catch (error) {
        // Posted or voided by a client in the meantime: nothing left to expire.
        if (error instanceof AppError && error.code === ledgerErrors.transfer_not_pending.code) continue;
        failures.push({ id, error });
      }
    }
    return { voided, due: due.length, failures };
  }

  async verify(): Promise<LedgerVerification> {
    return verifyLedger(await this.store.audit());
  }

  /** Ends a hold: its pending amounts come off both accounts and, when posting, `posted` moves. */
  private async release(
    tx: LedgerTransaction,
    locked: Map<string, Account>,
    transfer: Transfer,
    status: 'posted' | 'voided',
    posted: number | null,
  ): Promise<TransferResult> {
    const moved = posted ?? 0;
    const fromDelta: AccountDelta = { pendingDebits: -transfer.amount, balance: -moved };
    const toDelta: AccountDelta = { pendingCredits: -transfer.amount, balance: moved };
    // A hold counted only against pending totals; posting it can still push a posted balance past the limit.
    checkLimits(locked.get(transfer.debitAccountId)!, fromDelta, 'from_account');
    checkLimits(locked.get(transfer.creditAccountId)!, toDelta, 'to_account');
    const resolved = await tx.resolveTransfer(transfer.id, status, posted);
    const [from, to] = await applyMovement(tx, transfer.debitAccountId, fromDelta, transfer.creditAccountId, toDelta);
    await announceBalances(tx, from, to);
    return { transfer: resolved, from, to };
  }

  private async involves(actor: Actor, transfer: Transfer): Promise<boolean> {
    if (actor.kind === 'client') return true;
    const accounts = await this.store.findAccounts([transfer.debitAccountId, transfer.creditAccountId]);
    return [...accounts.values()].some((a) => a.ownerId === actor.id);
  }
}

/**
 * `account.balance_changed` for each user wallet a movement touched (its posted or available
 * balance changed), in the movement's transaction; system accounts change on every payment and
 * concern no person, so they announce nothing.
 */
async function announceBalances(tx: LedgerTransaction, ...accounts: Account[]): Promise<void> {
  const events = accounts
    .filter((account) => account.type === 'wallet')
    .map((account) => ({ type: 'account.balance_changed', data: presentAccount(account) }));
  if (events.length) await tx.recordEvents(events);
}

/** Both sides of a movement in one statement; returns the accounts after it, debit side first. */
async function applyMovement(
  tx: LedgerTransaction,
  fromId: string,
  fromDelta: AccountDelta,
  toId: string,
  toDelta: AccountDelta,
): Promise<[Account, Account]> {
  const after = await tx.applyToAccounts([
    { accountId: fromId, delta: fromDelta },
    { accountId: toId, delta: toDelta },
  ]);
  return [after.get(fromId)!, after.get(toId)!];
}

const transferNotFound = (id: string) =>
  ledgerErrors.transfer_not_found.create(`No such transfer: ${id}.`, { param: 'id' });

const notPending = (t: Transfer) =>
  ledgerErrors.transfer_not_pending.create(
    `Transfer ${t.id} is ${t.status}; only a pending transfer can be posted or voided.`,
    { param: 'id' },
  );

const LIMITED_FIELDS = [
  ['balance', 'balance'],
  ['pendingDebits', 'pending_debits'],
  ['pendingCredits', 'pending_credits'],
] as const;

/**
 * Balances are JS numbers on the way in and out: past 2^53−1 in magnitude they would round
 * silently (or overflow the parser), so the ledger refuses any move that would take one there.
 */
function checkLimits(account: Account, delta: AccountDelta, param: 'from_account' | 'to_account'): void {
  for (const [field, name] of LIMITED_FIELDS) {
    const change = delta[field] ?? 0;
    if (Number.isSafeInteger(account[field] + change)) continue;
    const would = BigInt(account[field]) + BigInt(change);
    throw ledgerErrors.balance_limit_exceeded.create(
      `${param} ${account.id}: ${name} would become ${would}, beyond the ledger's limit of ±${Number.MAX_SAFE_INTEGER} minor units.`,
      { param, details: { account: account.id, field: name } },
    );
  }
}

/** Whether a retry with a key whose idempotency record is gone asks for the transfer the key already made. */
function sameRequest(t: Transfer, r: TransferRequest): boolean {
  return (
    t.debitAccountId === r.fromAccount &&
    t.creditAccountId === r.toAccount &&
    t.amount === r.amount &&
    t.currency === r.currency &&
    (r.pending === true) === (t.status === 'pending' || t.resolvedAt !== null) &&
    t.description === (r.description ?? null) &&
    timeoutOf(t) === (r.pending ? r.timeoutSeconds : undefined) &&
    // jsonb gives keys back in its own order; isDeepStrictEqual does not mind the order.
    isDeepStrictEqual(t.metadata, r.metadata ?? {})
  );
}

/** The timeout_seconds a pending transfer was created with (both instants come from one now()). */
function timeoutOf(t: Transfer): number | undefined {
  return t.expiresAt === null ? undefined : (t.expiresAt.getTime() - t.createdAt.getTime()) / 1000;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === constraint;
}
