import { authErrors } from './errors';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Throws `weak_password` naming the rule the password breaks. */
export function assertPasswordAllowed(password: string, email: string): void {
  const fail = (rule: string) => authErrors.weak_password.create(`Password rejected: ${rule}.`, { param: 'password' });
  if (password.length < PASSWORD_MIN_LENGTH) throw fail(`it must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) throw fail(`it must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) throw fail('it must not be your email address');
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}
