import { expect } from 'chai';
import { verifyLedger, type AccountAudit } from '../../../src/domain/ledger-verification';

const account = (overrides: Partial<AccountAudit>): AccountAudit => ({
  id: 'acct_1',
  currency: 'usd',
  allowNegative: false,
  balance: 0,
  pendingDebits: 0,
  pendingCredits: 0,
  postedNet: 0,
  heldDebits: 0,
  heldCredits: 0,
  ...overrides,
});

describe('verifyLedger', () => {
  it('is ok when every currency balances and no account is suspect', () => {
    const report = verifyLedger({ currencies: [{ currency: 'usd', accounts: 2, balance: 0, pendingDebits: 5, pendingCredits: 5 }], suspectAccounts: [] });
    expect(report.ok).to.equal(true);
    expect(report.currencies[0]).to.include({ ok: true });
  });

  it('lists every broken invariant, each with the account, expected and actual value', () => {
    const report = verifyLedger({
      currencies: [
        { currency: 'usd', accounts: 3, balance: 10, pendingDebits: 5, pendingCredits: 0 },
        { currency: 'brl', accounts: 1, balance: 0, pendingDebits: 0, pendingCredits: 0 },
      ],
      suspectAccounts: [
        account({ id: 'acct_a', balance: 10, postedNet: 0, pendingDebits: 5, heldDebits: 0 }),
        account({ id: 'acct_b', balance: -3, postedNet: -3, pendingCredits: 0, heldCredits: 7 }),
      ],
    });
    expect(report.ok).to.equal(false);
    expect(report.discrepancies.map((d) => [d.check, d.account, d.expected, d.actual])).to.deep.equal([
      ['currency_balance_sum', undefined, 0, 10],
      ['currency_pending_sum', undefined, 5, 0],
      ['account_balance', 'acct_a', 0, 10],
      ['account_pending_debits', 'acct_a', 0, 5],
      ['account_pending_credits', 'acct_b', 7, 0],
      ['wallet_negative', 'acct_b', 0, -3],
    ]);
    expect(report.currencies.map((c) => [c.currency, c.ok])).to.deep.equal([
      ['usd', false],
      ['brl', true],
    ]);
  });

  it('lets system accounts go negative', () => {
    const report = verifyLedger({
      currencies: [{ currency: 'usd', accounts: 1, balance: 0, pendingDebits: 0, pendingCredits: 0 }],
      suspectAccounts: [account({ allowNegative: true, balance: -50, postedNet: -50 })],
    });
    expect(report.discrepancies).to.deep.equal([]);
  });
});
