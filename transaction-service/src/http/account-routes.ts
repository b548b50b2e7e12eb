import { auth, defineRoute, listBody, pageRequest, type Caller } from '@micropay/platform';
import { ledgerErrors } from '../domain/errors';
import type { LedgerService } from '../domain/ledger-service';
import type { Actor } from '../domain/ledger-types';
import { presentAccount, presentTransfer } from '../domain/presenters';
import {
  AccountIdParams,
  AccountListQuery,
  AccountListSchema,
  AccountSchema,
  OpenWalletBody,
  SystemAccountBody,
  TransferListQuery,
  TransferListSchema,
} from './schemas';

export const actorOf = (caller: Caller): Actor => ({ kind: caller.kind, id: caller.sub });

export function accountRoutes(ledger: LedgerService) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/accounts',
      operationId: 'openWallet',
      summary: "Open (or fetch) the caller's wallet in a currency",
      description: 'Idempotent per user and currency: 201 when the wallet is created, 200 when it already existed.',
      tags: ['accounts'],
      auth: auth.user(),
      request: { body: OpenWalletBody },
      responses: {
        201: { description: 'The new wallet, balance 0.', schema: AccountSchema },
        200: { description: 'The existing wallet.', schema: AccountSchema },
      },
      async handler({ body, caller }) {
        const { account, created } = await ledger.openWallet(caller.sub, body.currency);
        return { status: created ? 201 : 200, body: presentAccount(account) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/accounts',
      operationId: 'listWallets',
      summary: "List the caller's wallets, newest first",
      tags: ['accounts'],
      auth: auth.user(),
      request: { query: AccountListQuery },
      responses: { 200: { description: 'A page of wallets.', schema: AccountListSchema } },
      async handler({ query, caller }) {
        const page = await ledger.listWallets(caller.sub, pageRequest(query));
        return { status: 200, body: listBody(page, presentAccount) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/accounts/:id',
      operationId: 'getAccount',
      summary: 'Get an account and its balances',
      description: "Users see their own wallets (anyone else's answers 404); clients with ledger:read see any account.",
      tags: ['accounts'],
      auth: auth.userOrClient('ledger:read'),
      request: { params: AccountIdParams },
      responses: { 200: { description: 'The account.', schema: AccountSchema } },
      errors: [ledgerErrors.account_not_found],
      async handler({ params, caller }) {
        return { status: 200, body: presentAccount(await ledger.getAccount(actorOf(caller), params.id)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/accounts/:id/transfers',
      operationId: 'listAccountTransfers',
      summary: "An account's transfers, newest first",
      description:
        'Transfers debiting or crediting the account, pending ones included. Keyset-paginated: a page costs the same at any depth.',
      tags: ['accounts'],
      auth: auth.userOrClient('ledger:read'),
      request: { params: AccountIdParams, query: TransferListQuery },
      responses: { 200: { description: 'A page of transfers.', schema: TransferListSchema } },
      errors: [ledgerErrors.account_not_found],
      async handler({ params, query, caller }) {
        const page = await ledger.listAccountTransfers(actorOf(caller), params.id, pageRequest(query));
        return { status: 200, body: listBody(page, presentTransfer) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/system-accounts',
      operationId: 'ensureSystemAccount',
      summary: 'Get or create a system account (provider clearing, fees…)',
      description:
        'For service clients with ledger:write. System accounts may go negative: they mirror money outside MicroPay.',
      tags: ['accounts'],
      internal: true,
      auth: auth.client('ledger:write'),
      request: { body: SystemAccountBody },
      responses: {
        201: { description: 'Created.', schema: AccountSchema },
        200: { description: 'Already existed.', schema: AccountSchema },
      },
      async handler({ body }) {
        const { account, created } = await ledger.ensureSystemAccount(body.code, body.currency);
        return { status: created ? 201 : 200, body: presentAccount(account) };
      },
    }),
  ];
}
