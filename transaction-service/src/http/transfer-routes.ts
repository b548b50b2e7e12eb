import { AppError, auth, defineRoute, type Metrics } from '@micropay/platform';
import { ledgerErrors } from '../domain/errors';
import type { LedgerService } from '../domain/ledger-service';
import { actorOf } from './account-routes';
import { presentTransfer, presentTransferResult } from './presenters';
import { CreateTransferBody, TransferIdParams, TransferSchema } from './schemas';

export function transferRoutes(ledger: LedgerService, metrics: Metrics) {
  const transfers = metrics.counter('ledger_transfers_total', 'Transfer requests by currency and outcome (posted, or the error code).', ['currency', 'outcome']);
  const volume = metrics.counter('ledger_transfer_amount_total', 'Money moved by posted transfers, in minor units.', ['currency']);
  return [
    defineRoute({
      method: 'post',
      path: '/v1/transfers',
      operationId: 'createTransfer',
      summary: 'Move money between two accounts',
      description:
        'Debits from_account and credits to_account by amount, atomically. Users may move money only out of their own wallets; moves involving system accounts need a client token with ledger:write. The response carries the resulting balances.',
      tags: ['transfers'],
      auth: auth.userOrClient('ledger:write'),
      idempotency: 'required',
      request: { body: CreateTransferBody },
      responses: { 201: { description: 'The posted transfer with resulting balances.', schema: TransferSchema } },
      errors: [
        ledgerErrors.account_not_found,
        ledgerErrors.insufficient_funds,
        ledgerErrors.currency_mismatch,
        ledgerErrors.same_account,
        ledgerErrors.system_account_forbidden,
      ],
      async handler({ body, caller, idempotencyKey }) {
        const actor = actorOf(caller);
        let result;
        try {
          result = await ledger.createTransfer(
            actor,
            {
              fromAccount: body.from_account,
              toAccount: body.to_account,
              amount: body.amount,
              currency: body.currency,
              description: body.description,
              metadata: body.metadata,
            },
            idempotencyKey,
          );
        } catch (error) {
          transfers.inc({ currency: body.currency, outcome: error instanceof AppError ? error.code : 'error' });
          throw error;
        }
        transfers.inc({ currency: body.currency, outcome: 'posted' });
        volume.inc({ currency: body.currency }, body.amount);
        return { status: 201, body: presentTransferResult(result, actor) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/transfers/:id',
      operationId: 'getTransfer',
      summary: 'Get a transfer',
      tags: ['transfers'],
      auth: auth.userOrClient('ledger:read'),
      request: { params: TransferIdParams },
      responses: { 200: { description: 'The transfer.', schema: TransferSchema } },
      errors: [ledgerErrors.transfer_not_found],
      async handler({ params, caller }) {
        return { status: 200, body: presentTransfer(await ledger.getTransfer(actorOf(caller), params.id)) };
      },
    }),
  ];
}
