import { defineRoute } from '@micropay/platform';
import type { LedgerService } from '../domain/ledger-service';
import { presentVerification } from '../domain/presenters';
import { VerificationSchema } from './schemas';

export function ledgerRoutes(ledger: LedgerService) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/ledger/verify',
      operationId: 'verifyLedger',
      summary: "Check the ledger's invariants and report every discrepancy",
      description:
        'Per currency: all balances sum to 0 and pending debits equal pending credits; per account: the balance equals ' +
        'its posted transfers, the pending totals equal its pending transfers, and no wallet is below zero. Read from one ' +
        'snapshot. For users in the admin group and clients with ledger:read. Costs a scan of all transfers.',
      tags: ['ledger'],
      // Admins (users in the admin group) or service clients holding ledger:read.
      auth: { public: false, users: true, groups: ['admin'], clientScopes: ['ledger:read'] },
      responses: {
        200: { description: 'The verification report (ok: false lists what is wrong).', schema: VerificationSchema },
      },
      async handler() {
        const checkedAt = new Date();
        return { status: 200, body: presentVerification(await ledger.verify(), checkedAt) };
      },
    }),
  ];
}
