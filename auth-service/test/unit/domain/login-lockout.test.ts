import { expect } from 'chai';
import { LoginLockout } from '../../../src/domain/login-lockout';
import { type LoginAttemptStore } from '../../../src/domain/ports';

describe('LoginLockout.lockSeconds', () => {
  const lockout = new LoginLockout({} as LoginAttemptStore, {
    maxFailures: 5,
    baseLockSeconds: 30,
    maxLockSeconds: 900,
  });

  it('locks for the base period at the limit, doubling with each further failure up to the maximum', () => {
    expect([5, 6, 7, 8, 9, 10, 11, 60].map((n) => lockout.lockSeconds(n))).to.deep.equal([
      30, 60, 120, 240, 480, 900, 900, 900,
    ]);
  });
});
