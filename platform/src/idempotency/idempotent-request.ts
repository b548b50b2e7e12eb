import type { Request } from 'express';
import type { Knex } from 'knex';
import { AppError, commonErrors } from '../errors/app-error';
import { errorBody } from '../errors/error-middleware';
import { IdempotencyStore } from './idempotency-store';

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

/** What a route answers; a replay is the stored first answer, marked `Idempotent-Replayed`. */
export interface IdempotentReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * The request's `Idempotency-Key`, checked: refused when `required` and absent (400
 * idempotency_key_missing) or when it is not 1–255 printable ASCII characters; undefined when
 * optional and absent.
 */
export function idempotencyKeyOf(req: Request, mode: 'required' | 'optional'): string | undefined {
  const header = req.get('idempotency-key');
  if (header === undefined) {
    if (mode === 'optional') return undefined;
    throw commonErrors.idempotency_key_missing.create(
      'This request moves money: send an Idempotency-Key header (a UUID is a good choice).',
      { param: 'Idempotency-Key' },
    );
  }
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw commonErrors.parameter_invalid.create('Idempotency-Key must be 1 to 255 printable ASCII characters.', {
      param: 'Idempotency-Key',
    });
  }
  return header;
}

/** A write to run in a business transaction, once its result is known (before it commits). */
export type WithinTransaction<T> = (trx: Knex.Transaction, result: T) => Promise<void>;

/**
 * Lets a handler store its idempotent response in its own business transaction, so the response
 * commits with the change it describes: one statement and one commit fewer than storing it
 * afterwards (docs/adr/0010-less-work-per-payment.md). `runIdempotently` checks that what was
 * stored, in a transaction that committed, is the reply the handler returned; otherwise it
 * stores the reply itself, as without this.
 */
export class IdempotentCompletion {
  private stored?: { status: number; body: string; committed: Promise<boolean> };

  constructor(
    private readonly store: IdempotencyStore,
    private readonly caller: string,
    private readonly key: string,
  ) {}

  /** The write that stores `toReply(result)`; pass it to the repository running the business transaction. */
  within<T>(toReply: (result: T) => IdempotentReply): WithinTransaction<T> {
    return async (trx, result) => {
      const reply = toReply(result);
      await this.store.complete(this.caller, this.key, reply, { trx });
      this.stored = {
        status: reply.status,
        body: JSON.stringify(reply.body ?? null),
        committed: trx.executionPromise.then(
          () => true,
          () => false,
        ),
      };
    };
  }

  /** Whether this reply is what a committed business transaction stored. */
  async holds(reply: IdempotentReply): Promise<boolean> {
    if (!this.stored || !(await this.stored.committed)) return false;
    return this.stored.status === reply.status && this.stored.body === JSON.stringify(reply.body ?? null);
  }
}

/**
 * Runs `handle` at most once per caller and key (docs/contract.md §3): the first answer is
 * stored and every retry with the same request gets it back byte for byte; another request
 * with the key is refused (422), and a retry while the first still runs waits its turn (409).
 */
export async function runIdempotently(
  store: IdempotencyStore,
  request: { caller: string; key: string; req: Request; requestId: string },
  handle: (completion: IdempotentCompletion) => Promise<IdempotentReply>,
): Promise<IdempotentReply> {
  const { caller, key, req } = request;
  const path = req.originalUrl.split('?')[0] ?? req.path;
  const start = await store.start(caller, key, IdempotencyStore.fingerprint(req.method, path, req.body));
  if (start.outcome === 'replay') {
    return { ...start.response, headers: { 'Idempotent-Replayed': 'true' } };
  }
  const completion = new IdempotentCompletion(store, caller, key);
  let reply: IdempotentReply;
  try {
    reply = await handle(completion);
  } catch (error) {
    // Only a key still in progress is settled: when the business transaction committed its
    // response before the handler failed, a retry gets that response.
    await settleFailure(store, caller, key, error, request.requestId);
    throw error;
  }
  if (!(await completion.holds(reply))) await store.complete(caller, key, reply);
  return reply;
}

/**
 * A client error from the handler means the request was executed and rejected: store it so a
 * retry sees the same answer. A 5xx means it did not complete: release the key so the client
 * can retry it. An idempotency error from the handler (its own record of the key outlived this
 * store's, and the request differs) is about the key, not an outcome of this request, which never
 * ran: release the key too, so a retry of the original request still gets its original result.
 */
async function settleFailure(
  store: IdempotencyStore,
  caller: string,
  key: string,
  error: unknown,
  requestId: string,
): Promise<void> {
  if (error instanceof AppError && error.status < 500 && error.type !== 'idempotency_error') {
    await store.complete(
      caller,
      key,
      { status: error.status, body: errorBody(error, requestId) },
      { onlyInProgress: true },
    );
  } else {
    await store.release(caller, key);
  }
}
