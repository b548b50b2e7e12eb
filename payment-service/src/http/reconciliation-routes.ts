import { auth, defineRoute } from '@micropay/platform';
import type { Reconciliation, ReconciliationStore } from '../domain/reconciliation';
import { ReconciliationSchema } from './schemas';

export function reconciliationRoutes(reconciliation: Reconciliation, store: ReconciliationStore) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/reconciliation/runs',
      operationId: 'runReconciliation',
      summary: 'Compare payments and refunds with the ledger now (admins)',
      description:
        'Checks up to 1000 ended payments and refunds not yet compared, and reports drift: a missing or unposted transfer, a different amount or wallet, a hold not released, work stuck for 15 minutes. The periodic job does the same every minute.',
      tags: ['reconciliation'],
      auth: auth.user({ groups: ['admin'] }),
      responses: {
        200: { description: 'What this run found, and the latest findings.', schema: ReconciliationSchema },
      },
      async handler() {
        const run = await reconciliation.run(1000);
        const recent = await store.recentFindings(50);
        return {
          status: 200,
          body: {
            object: 'reconciliation' as const,
            checked: run.checked,
            findings: run.findings,
            recent_findings: recent.map((f) => ({
              subject: f.subject,
              kind: f.kind,
              detail: f.detail,
              found_at: f.foundAt.toISOString(),
            })),
          },
        };
      },
    }),
  ];
}
