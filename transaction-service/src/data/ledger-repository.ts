import type { Knex } from 'knex';
import { keysetPage } from '@micropay/platform';
import type { LedgerStore, LedgerTransaction } from '../domain/ledger-service';
import type { Account, Page, Transfer } from '../domain/ledger-types';

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

  async insertTransfer(t: Transfer) {
    const [row] = await this.trx<TransferRow>('transfers')
      .insert({
        id: t.id,
        debit_account_id: t.debitAccountId,
        credit_account_id: t.creditAccountId,
        amount: t.amount,
        currency: t.currency,
        status: t.status,
        description: t.description,
        metadata: JSON.stringify(t.metadata) as unknown as Record<string, string>,
        initiator: t.initiator,
        idempotency_key: t.idempotencyKey,
      })
      .returning('*');
    return toTransfer(row as TransferRow);
  }

  async addToBalance(accountId: string, delta: number) {
    const [row] = await this.trx('accounts')
      .where({ id: accountId })
      .update({ balance: this.trx.raw('balance + ?', [delta]), updated_at: this.trx.fn.now() })
      .returning('*');
    return toAccount(row as AccountRow);
  }
}

export class LedgerRepository implements LedgerStore {
  constructor(private readonly knex: Knex) {}

  inTransaction<T>(work: (tx: LedgerTransaction) => Promise<T>): Promise<T> {
    return this.knex.transaction((trx) => work(new KnexLedgerTransaction(trx)));
  }

  async findAccount(id: string) {
    const row = await this.knex<AccountRow>('accounts').where({ id }).first();
    return row ? toAccount(row) : undefined;
  }

  findAccounts(ids: string[]) {
    return accountsById(this.knex, ids, false);
  }

  async listWallets(ownerId: string, page: Page) {
    const result = await keysetPage<AccountRow>(this.knex('accounts').where({ owner_id: ownerId, type: 'wallet' }), page);
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
    const conflict = account.type === 'wallet' ? '(owner_id, currency) where type = \'wallet\'' : '(code, currency) where type = \'system\'';
    const inserted = await this.knex.raw(
      `insert into accounts (id, type, owner_id, code, currency, allow_negative)
       values (:id, :type, :owner_id, :code, :currency, :allow_negative)
       on conflict ${conflict} do nothing returning *`,
      row,
    );
    if (inserted.rows[0]) return { account: toAccount(inserted.rows[0]), created: true };
    const existing = await this.knex<AccountRow>('accounts')
      .where(account.type === 'wallet' ? { owner_id: account.ownerId, currency: account.currency, type: 'wallet' } : { code: account.code, currency: account.currency, type: 'system' })
      .first();
    if (!existing) throw new Error('account vanished after conflict');
    return { account: toAccount(existing), created: false };
  }
}
