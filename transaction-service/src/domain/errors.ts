import { defineErrors } from '@micropay/platform';

export const ledgerErrors = defineErrors({
  account_not_found: { status: 404, description: 'No such account, or it is not yours.' },
  transfer_not_found: { status: 404, description: 'No such transfer, or it does not involve your accounts.' },
  insufficient_funds: { status: 402, description: 'The source account does not have enough available balance.' },
  currency_mismatch: { status: 400, description: 'The transfer currency differs from an account currency.' },
  same_account: { status: 400, description: 'A transfer needs two different accounts.' },
  system_account_forbidden: {
    status: 403,
    description: 'Only service clients with the ledger:write scope may move money to or from system accounts.',
  },
});
