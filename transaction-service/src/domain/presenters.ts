import { available, type Account, type Actor, type Transfer } from '../domain/ledger-types';
import type { TransferResult } from '../domain/ledger-service';
import type { LedgerVerification } from '../domain/ledger-verification';

const balances = (a: Account) => ({
  balance: a.balance,
  pending_debits: a.pendingDebits,
  pending_credits: a.pendingCredits,
  available: available(a),
});

export function presentAccount(a: Account) {
  return {
    id: a.id,
    object: 'account' as const,
    type: a.type,
    owner: a.ownerId,
    code: a.code,
    currency: a.currency,
    ...balances(a),
    flags: { allow_negative: a.allowNegative },
    created_at: a.createdAt.toISOString(),
  };
}

export function presentTransfer(t: Transfer) {
  return {
    id: t.id,
    object: 'transfer' as const,
    from_account: t.debitAccountId,
    to_account: t.creditAccountId,
    amount: t.amount,
    currency: t.currency,
    status: t.status,
    posted_amount: t.postedAmount,
    expires_at: t.expiresAt?.toISOString() ?? null,
    resolved_at: t.resolvedAt?.toISOString() ?? null,
    description: t.description,
    metadata: t.metadata,
    created_at: t.createdAt.toISOString(),
  };
}

/** An exact integer: a JSON number while it is safe, beyond 2^53−1 a decimal string. */
const exact = (n: bigint) =>
  n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();

export function presentVerification(v: LedgerVerification, checkedAt: Date) {
  return {
    object: 'ledger_verification' as const,
    ok: v.ok,
    checked_at: checkedAt.toISOString(),
    currencies: v.currencies.map((c) => ({
      currency: c.currency,
      accounts: c.accounts,
      balance_total: exact(c.balance),
      pending_debits_total: exact(c.pendingDebits),
      pending_credits_total: exact(c.pendingCredits),
      ok: c.ok,
    })),
    discrepancies: v.discrepancies.map((d) => ({ ...d, expected: exact(d.expected), actual: exact(d.actual) })),
  };
}

/** A new (or just posted or voided) transfer with the resulting balances; a user sees only the balances of their own accounts. */
export function presentTransferResult(result: TransferResult, actor: Actor) {
  const visible = [result.from, result.to].filter((a) => actor.kind === 'client' || a.ownerId === actor.id);
  return {
    ...presentTransfer(result.transfer),
    balances: {
      ...(visible.includes(result.from) ? { from_account: { id: result.from.id, ...balances(result.from) } } : {}),
      ...(visible.includes(result.to) ? { to_account: { id: result.to.id, ...balances(result.to) } } : {}),
    },
  };
}
