import { AppError, auth, defineRoute } from '@micropay/platform';
import { ledgerErrors } from '../domain/errors';
import type { LedgerService, Resolution, TransferResult } from '../domain/ledger-service';
import type { LedgerMetrics } from '../metrics';
import { actorOf } from './account-routes';
import { presentTransfer, presentTransferResult } from '../domain/presenters';
import { CreateTransferBody, PostTransferBody, TransferIdParams, TransferSchema } from './schemas';

const outcomeOf = (error: unknown) => (error instanceof AppError ? error.code : 'error');

export function transferRoutes(ledger: LedgerService, metrics: LedgerMetrics) {
  /** Posts or voids, counting the outcome; the transfer and both balances come back. */
  const resolve = async (action: Resolution, ...args: Parameters<LedgerService['resolveTransfer']>) => {
    try {
      const result = await ledger.resolveTransfer(...args);
      metrics.resolutions.inc({ action, outcome: 'ok' });
      if (result.transfer.postedAmount)
        metrics.volume.inc({ currency: result.transfer.currency }, result.transfer.postedAmount);
      return result;
    } catch (error) {
      metrics.resolutions.inc({ action, outcome: outcomeOf(error) });
      throw error;
    }
  };

  return [
    defineRoute({
      method: 'post',
      path: '/v1/transfers',
      operationId: 'createTransfer',
      summary: 'Move money between two accounts, or place a hold',
      description:
        'Debits from_account and credits to_account by amount, atomically. With pending: true the money is only held: ' +
        "the source's available balance drops now, and the transfer is later posted (in full or in part) or voided, " +
        'or voided automatically after timeout_seconds. Users may move money only out of their own wallets; moves ' +
        'involving system accounts need a client token with ledger:write. The response carries the resulting balances.',
      tags: ['transfers'],
      auth: auth.userOrClient('ledger:write'),
      idempotency: 'required',
      request: { body: CreateTransferBody },
      responses: {
        201: { description: 'The posted (or pending) transfer with resulting balances.', schema: TransferSchema },
      },
      errors: [
        ledgerErrors.account_not_found,
        ledgerErrors.insufficient_funds,
        ledgerErrors.currency_mismatch,
        ledgerErrors.same_account,
        ledgerErrors.system_account_forbidden,
        ledgerErrors.balance_limit_exceeded,
      ],
      async handler({ body, caller, idempotencyKey, idempotency }) {
        const actor = actorOf(caller);
        // A replay (the key's 24 h record is gone, the transfer row remembers it) moved nothing:
        // the same answer with today's balances, marked as a replay.
        const reply = (result: TransferResult) => ({
          status: 201,
          body: presentTransferResult(result, actor),
          headers: result.replayed ? { 'Idempotent-Replayed': 'true' } : undefined,
        });
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
              pending: body.pending,
              timeoutSeconds: body.timeout_seconds,
            },
            idempotencyKey,
            // The stored response commits with the transfer it describes.
            idempotency?.within(reply),
          );
        } catch (error) {
          metrics.transfers.inc({ currency: body.currency, outcome: outcomeOf(error) });
          throw error;
        }
        // A replay is not counted again.
        if (!result.replayed) {
          metrics.transfers.inc({ currency: body.currency, outcome: result.transfer.status });
          if (result.transfer.status === 'posted') metrics.volume.inc({ currency: body.currency }, body.amount);
        }
        return reply(result);
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
    defineRoute({
      method: 'post',
      path: '/v1/transfers/:id/post',
      operationId: 'postTransfer',
      summary: 'Post a pending transfer, in full or in part',
      description:
        'Moves amount (default: the whole hold) and releases the rest of the hold, atomically, at most once. ' +
        'Only whoever created the hold (or a client with ledger:write) may post it. An expired hold is voided instead (409).',
      tags: ['transfers'],
      auth: auth.userOrClient('ledger:write'),
      idempotency: 'optional',
      request: { params: TransferIdParams, body: PostTransferBody },
      responses: { 200: { description: 'The posted transfer with resulting balances.', schema: TransferSchema } },
      errors: [
        ledgerErrors.transfer_not_found,
        ledgerErrors.transfer_not_pending,
        ledgerErrors.transfer_forbidden,
        ledgerErrors.amount_exceeds_hold,
        ledgerErrors.balance_limit_exceeded,
      ],
      async handler({ params, body, caller }) {
        const actor = actorOf(caller);
        return {
          status: 200,
          body: presentTransferResult(await resolve('post', actor, params.id, 'post', body?.amount), actor),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/transfers/:id/void',
      operationId: 'voidTransfer',
      summary: 'Void a pending transfer, releasing the whole hold',
      description: 'At most once. Only whoever created the hold (or a client with ledger:write) may void it.',
      tags: ['transfers'],
      auth: auth.userOrClient('ledger:write'),
      idempotency: 'optional',
      request: { params: TransferIdParams },
      responses: { 200: { description: 'The voided transfer with resulting balances.', schema: TransferSchema } },
      errors: [ledgerErrors.transfer_not_found, ledgerErrors.transfer_not_pending, ledgerErrors.transfer_forbidden],
      async handler({ params, caller }) {
        const actor = actorOf(caller);
        return { status: 200, body: presentTransferResult(await resolve('void', actor, params.id, 'void'), actor) };
      },
    }),
  ];
}
