import { auth, defineRoute, RevocationPage, REVOCATIONS_PATH } from '@micropay/platform';
import { z } from 'zod';
import type { RevocationStore } from '../domain/ports';

const RevocationsQuery = z.strictObject({
  since: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a cursor this route returned')
    .transform(Number)
    .optional(),
});

/**
 * The revocation list every verifier polls (ADR 0009). Not behind a token: it lists only opaque
 * ids of sessions and users whose tokens are refused, which grant nothing, and a verifier must be
 * able to read it when the token endpoint is down. The gateway does not route /internal.
 */
export function revocationRoutes(revocations: RevocationStore) {
  return [
    defineRoute({
      method: 'get',
      path: REVOCATIONS_PATH,
      operationId: 'listRevocations',
      summary: 'Ended sessions and signed-out users whose access tokens every service refuses',
      description:
        'Without since: every revocation whose tokens may still be unexpired. With since (the cursor of an earlier answer): those written since, with a few seconds of overlap. Entries stay until expires_at (seconds since the epoch).',
      tags: ['internal'],
      auth: auth.public(),
      request: { query: RevocationsQuery },
      responses: { 200: { description: 'The revocations and the next cursor.', schema: RevocationPage } },
      async handler({ query }) {
        const page = await revocations.page(query.since);
        return {
          status: 200,
          headers: { 'Cache-Control': 'no-store' },
          body: { object: 'revocation_list' as const, cursor: String(page.cursor), data: page.data },
        };
      },
    }),
  ];
}
