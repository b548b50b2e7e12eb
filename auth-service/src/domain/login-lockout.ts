import { createHash } from 'node:crypto';
import { AppError } from '@micropay/platform';
import { authErrors } from './errors';
import { normaliseEmail } from './user';

export interface LoginAttemptStore {
  /** Seconds left on the lock, 0 when not locked. */
  lockedForSeconds(key: string): Promise<number>;
  /** Records a failure; returns the failures counted within the window. */
  recordFailure(key: string, windowSeconds: number): Promise<number>;
  lock(key: string, seconds: number): Promise<void>;
  clear(key: string): Promise<void>;
  /** Deletes up to `limit` counts that are not locked and have seen no failure within `windowSeconds`; returns how many. */
  deleteStale(windowSeconds: number, limit: number): Promise<number>;
}

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
  constructor(
    private readonly store: LoginAttemptStore,
    private readonly policy: LockoutPolicy,
  ) {}

  async guard<T>(email: string, login: () => Promise<T>): Promise<T> {
    const key = createHash('sha256').update(normaliseEmail(email)).digest('hex');
    const locked = await this.store.lockedForSeconds(key);
    if (locked > 0) throw lockedError(locked);
    try {
      const result = await login();
      await this.store.clear(key);
      return result;
    } catch (error) {
      if (error instanceof AppError && error.code === authErrors.invalid_credentials.code) {
        const failures = await this.store.recordFailure(key, this.failureWindowSeconds);
        if (failures >= this.policy.maxFailures) await this.store.lock(key, this.lockSeconds(failures));
      }
      throw error;
    }
  }

  /** Failures are forgotten after twice the longest lock without one. */
  get failureWindowSeconds(): number {
    return this.policy.maxLockSeconds * 2;
  }

  /** Deletes counts a new failure would restart anyway (see recordFailure), up to `limit`. */
  forgetStale(limit: number): Promise<number> {
    return this.store.deleteStale(this.failureWindowSeconds, limit);
  }

  lockSeconds(failures: number): number {
    const doublings = Math.min(failures - this.policy.maxFailures, 30);
    return Math.min(this.policy.baseLockSeconds * 2 ** doublings, this.policy.maxLockSeconds);
  }
}

function lockedError(seconds: number) {
  return authErrors.login_locked.create('Too many failed logins; try again later.', { headers: { 'Retry-After': String(seconds) } });
}
