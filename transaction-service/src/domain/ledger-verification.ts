/**
 * Per-currency totals over all accounts, read from one snapshot. Sums are bigint: each balance
 * stays within 2^53−1, but a currency's pending total over many accounts legitimately may not,
 * and a broken ledger may hold anything — the audit must still report it, not fail.
 */
export interface CurrencyTotals {
  currency: string;
  accounts: number;
  balance: bigint;
  pendingDebits: bigint;
  pendingCredits: bigint;
}

/** An account whose stored balances disagree with its transfers, or a wallet below zero. */
export interface AccountAudit {
  id: string;
  currency: string;
  allowNegative: boolean;
  balance: bigint;
  pendingDebits: bigint;
  pendingCredits: bigint;
  /** Posted credits minus posted debits, from the transfer rows. */
  postedNet: bigint;
  /** Sums of the account's pending transfers, from the transfer rows. */
  heldDebits: bigint;
  heldCredits: bigint;
}

export interface LedgerAudit {
  currencies: CurrencyTotals[];
  suspectAccounts: AccountAudit[];
}

export type DiscrepancyCheck =
  | 'currency_balance_sum'
  | 'currency_pending_sum'
  | 'account_balance'
  | 'account_pending_debits'
  | 'account_pending_credits'
  | 'wallet_negative';

export interface Discrepancy {
  check: DiscrepancyCheck;
  currency: string;
  account?: string;
  expected: bigint;
  actual: bigint;
  message: string;
}

export interface LedgerVerification {
  ok: boolean;
  currencies: (CurrencyTotals & { ok: boolean })[];
  discrepancies: Discrepancy[];
}

/**
 * The ledger's invariants (docs/contract.md §5): per currency all balances sum to 0 and holds given
 * equal holds received; each balance equals its posted transfers, each pending total its
 * pending transfers; no wallet below zero. Every broken one is reported, not just the first.
 */
export function verifyLedger(audit: LedgerAudit): LedgerVerification {
  const discrepancies: Discrepancy[] = [];
  for (const c of audit.currencies) {
    if (c.balance !== 0n) {
      discrepancies.push({
        check: 'currency_balance_sum',
        currency: c.currency,
        expected: 0n,
        actual: c.balance,
        message: `${c.currency} balances sum to ${c.balance}, not 0.`,
      });
    }
    if (c.pendingDebits !== c.pendingCredits) {
      discrepancies.push({
        check: 'currency_pending_sum',
        currency: c.currency,
        expected: c.pendingDebits,
        actual: c.pendingCredits,
        message: `${c.currency} pending debits total ${c.pendingDebits} but pending credits ${c.pendingCredits}.`,
      });
    }
  }
  for (const a of audit.suspectAccounts) {
    const mismatch = (check: DiscrepancyCheck, expected: bigint, actual: bigint, what: string) => {
      if (expected !== actual) {
        discrepancies.push({
          check,
          currency: a.currency,
          account: a.id,
          expected,
          actual,
          message: `${a.id}: ${what} is ${actual}, its transfers say ${expected}.`,
        });
      }
    };
    mismatch('account_balance', a.postedNet, a.balance, 'balance');
    mismatch('account_pending_debits', a.heldDebits, a.pendingDebits, 'pending_debits');
    mismatch('account_pending_credits', a.heldCredits, a.pendingCredits, 'pending_credits');
    const availableNow = a.balance - a.pendingDebits;
    if (!a.allowNegative && availableNow < 0n) {
      discrepancies.push({
        check: 'wallet_negative',
        currency: a.currency,
        account: a.id,
        expected: 0n,
        actual: availableNow,
        message: `${a.id}: wallet available balance is ${availableNow}.`,
      });
    }
  }
  const bad = new Set(discrepancies.map((d) => d.currency));
  return {
    ok: discrepancies.length === 0,
    currencies: audit.currencies.map((c) => ({ ...c, ok: !bad.has(c.currency) })),
    discrepancies,
  };
}
