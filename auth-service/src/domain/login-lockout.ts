import { createHash } from 'node:crypto';
import { AppError } from '@micropay/platform';
import { authErrors } from './errors';
import { normaliseEmail } from './user';
import type { AttemptRules, LoginAttemptStore } from './ports';

export interface LockoutPolicy {
  /** Failed logins before the first lock (Cognito: 5). */
  maxFailures: number;
  /** The first lock; each further failure doubles it. */
  baseLockSeconds: number;
  maxLockSeconds: number;
}

/**
 * Brute-force protection in front of any identity provider: after `maxFailures` failed logins
 * for one email the email is locked for a period that doubles with each further failure, up to
 * `maxLockSeconds`. Keyed by a hash of the normalised email, whether or not an account exists,
 * so a lock (and its answer) reveals nothing about which emails are registered.
 */
export class LoginLockout {
  private readonly rules: AttemptRules;

  constructor(
    private readonly store: LoginAttemptStore,
    private readonly policy: LockoutPolicy,
  ) {
    const lockSchedule = [];
    for (
      let failures = policy.maxFailures;
      lockSchedule.at(-1) !== policy.maxLockSeconds && lockSchedule.length <= 31;
      failures += 1
    ) {
      lockSchedule.push(this.lockSeconds(failures));
    }
    this.rules = { maxFailures: policy.maxFailures, lockSchedule, windowSeconds: this.failureWindowSeconds };
  }

  async guard<T>(email: string, login: () => Promise<T>): Promise<T> {
    const key = createHash('sha256').update(normaliseEmail(email)).digest('hex');
    const attempt = await this.store.begin(key, this.rules);
    if ('lockedForSeconds' in attempt) throw lockedError(attempt.lockedForSeconds);
    let result: T;
    try {
      result = await login();
    } catch (error) {
      // A wrong password stays counted; anything else (the provider is down) was no guess.
      if (!(error instanceof AppError && error.code === authErrors.invalid_credentials.code)) {
        await this.store.undo(key);
      }
      throw error;
    }
    await this.store.clear(key);
    return result;
  }

  /** Failures are forgotten after twice the longest lock without one. */
  get failureWindowSeconds(): number {
    return this.policy.maxLockSeconds * 2;
  }

  /** Deletes counts a new failure would restart anyway (see LoginAttemptStore.begin), up to `limit`. */
  forgetStale(limit: number): Promise<number> {
    return this.store.deleteStale(this.failureWindowSeconds, limit);
  }

  lockSeconds(failures: number): number {
    const doublings = Math.min(failures - this.policy.maxFailures, 30);
    return Math.min(this.policy.baseLockSeconds * 2 ** doublings, this.policy.maxLockSeconds);
  }
}

function lockedError(seconds: number) {
  return authErrors.login_locked.create('Too many failed logins; try again later.', {
    headers: { 'Retry-After': String(seconds) },
  });
}
