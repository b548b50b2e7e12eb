import { authErrors } from './errors';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * NIST SP 800-63B's policy: length, not the account's own email, not a known common password.
 * No composition rules (they make passwords worse, not stronger).
 */
export class PasswordPolicy {
  private readonly common: Set<string>;

  /** @param commonPasswords lowercase passwords known from breaches (refused whatever their case). */
  constructor(commonPasswords: Iterable<string>) {
    this.common = new Set(commonPasswords);
  }

  /** Throws `weak_password` naming the rule the password breaks. */
  assertAllowed(password: string, email: string): void {
    const fail = (rule: string) =>
      authErrors.weak_password.create(`Password rejected: ${rule}.`, { param: 'password' });
    const length = [...password].length;
    if (length < PASSWORD_MIN_LENGTH) throw fail(`it must be at least ${PASSWORD_MIN_LENGTH} characters`);
    if (length > PASSWORD_MAX_LENGTH) throw fail(`it must be at most ${PASSWORD_MAX_LENGTH} characters`);
    const folded = password.trim().toLowerCase();
    const normalisedEmail = email.trim().toLowerCase();
    if (folded === normalisedEmail || folded === normalisedEmail.split('@')[0])
      throw fail('it must not be your email address');
    if (this.common.has(folded)) throw fail('it is in a list of commonly used passwords');
  }
}
