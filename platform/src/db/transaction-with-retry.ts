import { backOff } from 'exponential-backoff';
import type { Knex } from 'knex';
import type { Counter } from 'prom-client';

/**
 * SQLSTATEs after which PostgreSQL has rolled the whole transaction back and running it again
 * is the documented remedy: serialization_failure and deadlock_detected.
 */
export const RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01']);

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export interface TransactionRetryOptions {
  /** Attempts in all, the first included. Default 5. */
  maxAttempts?: number;
  /** Delay before the first retry; doubles after each, with full jitter. Default 5 ms. */
  startingDelayMs?: number;
  maxDelayMs?: number;
  /** Counts retries by SQLSTATE (labels: `sqlstate`). */
  retries?: Counter<'sqlstate'>;
  isolationLevel?: Knex.IsolationLevels;
}

/**
 * Runs `work` in a transaction and runs it again from the start when PostgreSQL aborts it with
 * a serialization failure or a deadlock, so these never reach a client as a 5xx. `work` must
 * do nothing outside the transaction that it would be wrong to repeat.
 */
export function transactionWithRetry<T>(
  knex: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
  options: TransactionRetryOptions = {},
): Promise<T> {
  const config = options.isolationLevel ? { isolationLevel: options.isolationLevel } : undefined;
  const maxAttempts = options.maxAttempts ?? 5;
  return backOff(() => knex.transaction(work, config), {
    numOfAttempts: maxAttempts,
    startingDelay: options.startingDelayMs ?? 5,
    maxDelay: options.maxDelayMs ?? 200,
    timeMultiple: 2,
    jitter: 'full',
    delayFirstAttempt: false,
    retry: (error: unknown, attemptsMade: number) => {
      const state = sqlState(error);
      if (!state || !RETRYABLE_SQLSTATES.has(state) || attemptsMade >= maxAttempts) return false;
      options.retries?.inc({ sqlstate: state });
      return true;
    },
  });
}
