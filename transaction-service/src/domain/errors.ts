import { defineErrors } from '@micropay/platform';

export const ledgerErrors = defineErrors({
  account_not_found: { status: 404, description: 'No such account, or it is not yours.' },
  transfer_not_found: { status: 404, description: 'No such transfer, or it does not involve your accounts.' },
  insufficient_funds: { status: 402, description: 'The source account does not have enough available balance.' },
  currency_mismatch: { status: 400, description: 'The transfer currency differs from an account currency.' },
  same_account: { status: 400, description: 'A transfer needs two different accounts.' },
  transfer_not_pending: {
    status: 409,
    description: 'The transfer is already posted or voided (or expired); a hold is resolved at most once.',
  },
  transfer_forbidden: { status: 403, description: 'Only whoever created a pending transfer may post or void it.' },
  balance_limit_exceeded: {
    status: 422,
    description:
      "The transfer would take an account's balance, pending_debits or pending_credits beyond ±(2^53−1) minor units; nothing was written.",
  },
  amount_exceeds_hold: {
    status: 400,
    description: 'A pending transfer can be posted for at most the amount it holds.',
  },
  system_account_forbidden: {
    status: 403,
    description: 'Only service clients with the ledger:write scope may move money to or from system accounts.',
  },
});
