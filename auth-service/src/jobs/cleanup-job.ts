import { periodicJob, type PeriodicJob } from '@micropay/platform';
import type { Dependencies } from '../dependencies';

const BATCH = 1000;

export interface CleanupResult {
  sessions: number;
  loginAttempts: number;
  revocations: number;
}

/** One pass: up to `batch` ended sessions (local provider), stale failed-login counts and expired revocations. */
export async function cleanUpOnce(
  deps: Pick<Dependencies, 'local' | 'lockout' | 'revocations'>,
  batch = BATCH,
): Promise<CleanupResult> {
  const sessions = (await deps.local?.sessions.deleteEnded(batch)) ?? 0;
  const loginAttempts = await deps.lockout.forgetStale(batch);
  const revocations = await deps.revocations.deleteExpired(batch);
  return { sessions, loginAttempts, revocations };
}

/**
 * Keeps auth's tables from growing without bound: every `intervalMs`, deletes sessions past
 * their lifetime with their refresh tokens, and failed-login counts the lockout has forgotten.
 * A full batch is followed at once by another.
 */
export function authCleanupJob(deps: Dependencies, intervalMs: number, batch = BATCH): PeriodicJob {
  return periodicJob(
    'auth-cleanup',
    intervalMs,
    async () => {
      const removed = await cleanUpOnce(deps, batch);
      if (removed.sessions > 0 || removed.loginAttempts > 0 || removed.revocations > 0)
        deps.logger.info(
          { job: 'auth-cleanup', ...removed },
          'deleted ended sessions, stale login attempts and expired revocations',
        );
      return Object.values(removed).some((n) => n === batch);
    },
    deps.logger,
  );
}
