import { expect } from 'chai';
import { verifyLedger, type AccountAudit } from '../../../src/domain/ledger-verification';

const account = (overrides: Partial<AccountAudit>): AccountAudit => ({
  id: 'acct_1',
  currency: 'usd',
  allowNegative: false,
  balance: 0n,
  pendingDebits: 0n,
  pendingCredits: 0n,
  postedNet: 0n,
  heldDebits: 0n,
  heldCredits: 0n,
  ...overrides,
});

describe('verifyLedger', () => {
  it('is ok when every currency balances and no account is suspect', () => {
    const report = verifyLedger({
      currencies: [{ currency: 'usd', accounts: 2, balance: 0n, pendingDebits: 5n, pendingCredits: 5n }],
      suspectAccounts: [],
    });
    expect(report.ok).to.equal(true);
    expect(report.currencies[0]).to.include({ ok: true });
  });

  it('lists every broken invariant, each with the account, expected and actual value', () => {
    const report = verifyLedger({
      currencies: [
        { currency: 'usd', accounts: 3, balance: 10n, pendingDebits: 5n, pendingCredits: 0n },
        { currency: 'brl', accounts: 1, balance: 0n, pendingDebits: 0n, pendingCredits: 0n },
      ],
      suspectAccounts: [
        account({ id: 'acct_a', balance: 10n, postedNet: 0n, pendingDebits: 5n, heldDebits: 0n }),
        account({ id: 'acct_b', balance: -3n, postedNet: -3n, pendingCredits: 0n, heldCredits: 7n }),
      ],
    });
    expect(report.ok).to.equal(false);
    expect(report.discrepancies.map((d) => [d.check, d.account, d.expected, d.actual])).to.deep.equal([
      ['currency_balance_sum', undefined, 0n, 10n],
      ['currency_pending_sum', undefined, 5n, 0n],
      ['account_balance', 'acct_a', 0n, 10n],
      ['account_pending_debits', 'acct_a', 0n, 5n],
      ['account_pending_credits', 'acct_b', 7n, 0n],
      ['wallet_negative', 'acct_b', 0n, -3n],
    ]);
    expect(report.currencies.map((c) => [c.currency, c.ok])).to.deep.equal([
      ['usd', false],
      ['brl', true],
    ]);
  });

  it('lets system accounts go negative', () => {
    const report = verifyLedger({
      currencies: [{ currency: 'usd', accounts: 1, balance: 0n, pendingDebits: 0n, pendingCredits: 0n }],
      suspectAccounts: [account({ allowNegative: true, balance: -50n, postedNet: -50n })],
    });
    expect(report.discrepancies).to.deep.equal([]);
  });
});
