import type { Knex } from 'knex';
import {
  enqueueEvents,
  keysetPage,
  transactionWithRetry,
  type PageRequest,
  type TransactionRetryOptions,
  type WithinTransaction,
} from '@micropay/platform';
import type { LedgerStore, LedgerTransaction } from '../domain/ports';
import type { Account, AccountDelta, Transfer } from '../domain/ledger-types';
import type { AccountAudit, CurrencyTotals, LedgerAudit } from '../domain/ledger-verification';

interface AccountRow {
  id: string;
  type: Account['type'];
  owner_id: string | null;
  code: string | null;
  currency: string;
  balance: number;
  pending_debits: number;
  pending_credits: number;
  allow_negative: boolean;
  created_at: Date;
}

interface TransferRow {
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: number;
  currency: string;
  status: Transfer['status'];
  posted_amount: number | null;
  expires_at: Date | null;
  resolved_at: Date | null;
  description: string | null;
  metadata: Record<string, string>;
  initiator: string;
  idempotency_key: string | null;
  created_at: Date;
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  type: r.type,
  ownerId: r.owner_id,
  code: r.code,
  currency: r.currency,
  balance: r.balance,
  pendingDebits: r.pending_debits,
  pendingCredits: r.pending_credits,
  allowNegative: r.allow_negative,
  createdAt: r.created_at,
});

const toTransfer = (r: TransferRow): Transfer => ({
  id: r.id,
  debitAccountId: r.debit_account_id,
  creditAccountId: r.credit_account_id,
  amount: r.amount,
  currency: r.currency,
  status: r.status,
  postedAmount: r.posted_amount,
  expiresAt: r.expires_at,
  resolvedAt: r.resolved_at,
  description: r.description,
  metadata: r.metadata,
  initiator: r.initiator,
  idempotencyKey: r.idempotency_key,
  createdAt: r.created_at,
});

async function accountsById(knex: Knex, ids: string[], lock: boolean): Promise<Map<string, Account>> {
  const query = knex<AccountRow>('accounts').whereIn('id', ids).orderBy('id');
  if (lock) query.forUpdate();
  const rows: AccountRow[] = await query;
  return new Map(rows.map((r) => [r.id, toAccount(r)]));
}

class KnexLedgerTransaction implements LedgerTransaction {
  constructor(private readonly trx: Knex.Transaction) {}

  lockAccounts(ids: string[]) {
    return accountsById(this.trx, [...new Set(ids)].sort(), true);
  }

  findAccounts(ids: string[]) {
    return accountsById(this.trx, ids, false);
  }

  async findTransferByKey(initiator: string, idempotencyKey: string) {
    const row = await this.trx<TransferRow>('transfers').where({ initiator, idempotency_key: idempotencyKey }).first();
    return row ? toTransfer(row) : undefined;
  }

  async insertTransfer(t: Omit<Transfer, 'createdAt' | 'expiresAt' | 'resolvedAt'>, timeoutSeconds?: number) {
    const [row] = await this.trx<TransferRow>('transfers')
      .insert({
        id: t.id,
        debit_account_id: t.debitAccountId,
        credit_account_id: t.creditAccountId,
        amount: t.amount,
        currency: t.currency,
        status: t.status,
        posted_amount: t.postedAmount,
        // The database clock decides expiry, here and in the sweeper: app clocks may disagree.
        expires_at:
          timeoutSeconds === undefined
            ? null
            : (this.trx.raw('now() + make_interval(secs => ?)', [timeoutSeconds]) as unknown as Date),
        description: t.description,
        metadata: JSON.stringify(t.metadata) as unknown as Record<string, string>,
        initiator: t.initiator,
        idempotency_key: t.idempotencyKey,
      })
      .returning('*');
    return toTransfer(row as TransferRow);
  }

  async lockTransfer(id: string) {
    const row = await this.trx<TransferRow & { expired: boolean }>('transfers')
      .select('*', this.trx.raw('coalesce(expires_at <= now(), false) as expired'))
      .where({ id })
      .forUpdate()
      .first();
    return row ? { transfer: toTransfer(row), expired: row.expired } : undefined;
  }

  async resolveTransfer(id: string, status: 'posted' | 'voided', postedAmount: number | null) {
    const [row] = await this.trx<TransferRow>('transfers')
      .where({ id, status: 'pending' })
      .update({ status, posted_amount: postedAmount, resolved_at: this.trx.fn.now() as unknown as Date })
      .returning('*');
    if (!row) throw new Error(`transfer ${id} was not pending under lock`);
    return toTransfer(row as TransferRow);
  }

  async recordEvents(events: ReadonlyArray<{ type: string; data: Record<string, unknown> }>) {
    await enqueueEvents(this.trx, 'transaction-service', events);
  }

  async applyToAccounts(deltas: ReadonlyArray<{ accountId: string; delta: AccountDelta }>) {
    // One UPDATE for every account of the movement (the rows are already locked FOR UPDATE).
    const values = deltas.map(() => '(?::text, ?::bigint, ?::bigint, ?::bigint)').join(', ');
    const bindings = deltas.flatMap(({ accountId, delta }) => [
      accountId,
      delta.balance ?? 0,
      delta.pendingDebits ?? 0,
      delta.pendingCredits ?? 0,
    ]);
    const { rows } = await this.trx.raw<{ rows: AccountRow[] }>(
      `update accounts a
          set balance = a.balance + d.balance,
              pending_debits = a.pending_debits + d.pending_debits,
              pending_credits = a.pending_credits + d.pending_credits,
              updated_at = now()
         from (values ${values}) as d (id, balance, pending_debits, pending_credits)
        where a.id = d.id
       returning a.*`,
      bindings,
    );
    if (rows.length !== new Set(deltas.map((d) => d.accountId)).size) {
      throw new Error(`applyToAccounts updated ${rows.length} of ${deltas.length} accounts`);
    }
    return new Map(rows.map((r) => [r.id, toAccount(r)]));
  }
}

export class LedgerRepository implements LedgerStore {
  constructor(
    private readonly knex: Knex,
    private readonly retry: TransactionRetryOptions = {},
  ) {}

  inTransaction<T>(work: (tx: LedgerTransaction) => Promise<T>, alsoWrite?: WithinTransaction<T>): Promise<T> {
    return transactionWithRetry(
      this.knex,
      async (trx) => {
        const result = await work(new KnexLedgerTransaction(trx));
        await alsoWrite?.(trx, result);
        return result;
      },
      this.retry,
    );
  }

  /**
   * Newest first over both sides of the account. Each side is an index range scan on
   * (account, id) that stops after limit+1 rows, so a page costs the same at any depth.
   */
  async listAccountTransfers(accountId: string, page: PageRequest) {
    const newerFirst = !page.endingBefore;
    const cursor = page.endingBefore ?? page.startingAfter;
    const side = (column: string) => {
      const q = this.knex<TransferRow>('transfers').where(column, accountId);
      if (cursor) q.where('id', newerFirst ? '<' : '>', cursor);
      return q.orderBy('id', newerFirst ? 'desc' : 'asc').limit(page.limit + 1);
    };
    const rows: TransferRow[] = await this.knex
      .select('*')
      .from(this.knex.unionAll([side('debit_account_id'), side('credit_account_id')], true).as('t'))
      .orderBy('id', newerFirst ? 'desc' : 'asc')
      .limit(page.limit + 1);
    const data = rows.slice(0, page.limit).map(toTransfer);
    return { data: newerFirst ? data : data.reverse(), hasMore: rows.length > page.limit };
  }

  async findExpiredPending(limit: number) {
    const rows: { id: string }[] = await this.knex('transfers')
      .select('id')
      .where({ status: 'pending' })
      .whereNotNull('expires_at')
      .where('expires_at', '<=', this.knex.fn.now())
      .orderBy('expires_at')
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /** One REPEATABLE READ snapshot, so totals and per-account checks see the same ledger. */
  audit(): Promise<LedgerAudit> {
    return this.knex.transaction(
      async (trx) => {
        const currencies: CurrencyTotals[] = (
          await trx.raw(`
            select currency, count(*)::int as accounts, coalesce(sum(balance), 0)::text as balance,
                   coalesce(sum(pending_debits), 0)::text as pending_debits,
                   coalesce(sum(pending_credits), 0)::text as pending_credits
            from accounts group by currency order by currency`)
        ).rows.map(
          (r: {
            currency: string;
            accounts: number;
            balance: string;
            pending_debits: string;
            pending_credits: string;
          }) => ({
            currency: r.currency,
            accounts: r.accounts,
            balance: BigInt(r.balance),
            pendingDebits: BigInt(r.pending_debits),
            pendingCredits: BigInt(r.pending_credits),
          }),
        );
        const suspectAccounts: AccountAudit[] = (
          await trx.raw(`
            with moves as (
              select credit_account_id as account_id, coalesce(posted_amount, 0) as posted, 0 as held_debit,
                     case when status = 'pending' then amount else 0 end as held_credit
              from transfers
              union all
              select debit_account_id, -coalesce(posted_amount, 0), case when status = 'pending' then amount else 0 end, 0
              from transfers
            ), sums as (
              select account_id, sum(posted) as posted_net, sum(held_debit) as held_debits, sum(held_credit) as held_credits
              from moves group by account_id
            )
            select a.id, a.currency, a.allow_negative, a.balance::text, a.pending_debits::text,
                   a.pending_credits::text, coalesce(s.posted_net, 0)::text as posted_net,
                   coalesce(s.held_debits, 0)::text as held_debits, coalesce(s.held_credits, 0)::text as held_credits
            from accounts a left join sums s on s.account_id = a.id
            where a.balance <> coalesce(s.posted_net, 0)
               or a.pending_debits <> coalesce(s.held_debits, 0)
               or a.pending_credits <> coalesce(s.held_credits, 0)
               or (not a.allow_negative and a.balance - a.pending_debits < 0)
            order by a.id`)
        ).rows.map(
          (
            r: { id: string; currency: string; allow_negative: boolean } & Record<
              'balance' | 'pending_debits' | 'pending_credits' | 'posted_net' | 'held_debits' | 'held_credits',
              string
            >,
          ) => ({
            id: r.id,
            currency: r.currency,
            allowNegative: r.allow_negative,
            balance: BigInt(r.balance),
            pendingDebits: BigInt(r.pending_debits),
            pendingCredits: BigInt(r.pending_credits),
            postedNet: BigInt(r.posted_net),
            heldDebits: BigInt(r.held_debits),
            heldCredits: BigInt(r.held_credits),
          }),
        );
        return { currencies, suspectAccounts };
      },
      { isolationLevel: 'repeatable read', readOnly: true },
    );
  }

  async findAccount(id: string) {
    const row = await this.knex<AccountRow>('accounts').where({ id }).first();
    return row ? toAccount(row) : undefined;
  }

  findAccounts(ids: string[]) {
    return accountsById(this.knex, ids, false);
  }

  async listWallets(ownerId: string, page: PageRequest) {
    const result = await keysetPage<AccountRow>(
      this.knex('accounts').where({ owner_id: ownerId, type: 'wallet' }),
      page,
    );
    return { data: result.data.map(toAccount), hasMore: result.hasMore };
  }

  async findTransfer(id: string) {
    const row = await this.knex<TransferRow>('transfers').where({ id }).first();
    return row ? toTransfer(row) : undefined;
  }

  async upsertAccount(account: Omit<Account, 'balance' | 'pendingDebits' | 'pendingCredits' | 'createdAt'>) {
    const row = {
      id: account.id,
      type: account.type,
      owner_id: account.ownerId,
      code: account.code,
      currency: account.currency,
      allow_negative: account.allowNegative,
    };
    const conflict =
      account.type === 'wallet'
        ? "(owner_id, currency) where type = 'wallet'"
        : "(code, currency) where type = 'system'";
    const inserted = await this.knex.raw(
      `insert into accounts (id, type, owner_id, code, currency, allow_negative)
       values (:id, :type, :owner_id, :code, :currency, :allow_negative)
       on conflict ${conflict} do nothing returning *`,
      row,
    );
    if (inserted.rows[0]) return { account: toAccount(inserted.rows[0]), created: true };
    const existing = await this.knex<AccountRow>('accounts')
      .where(
        account.type === 'wallet'
          ? { owner_id: account.ownerId, currency: account.currency, type: 'wallet' }
          : { code: account.code, currency: account.currency, type: 'system' },
      )
      .first();
    if (!existing) throw new Error('account vanished after conflict');
    return { account: toAccount(existing), created: false };
  }
}
