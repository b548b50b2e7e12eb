import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The ~49k most common passwords from breach corpora, as shipped (and kept up to date) by
 * zxcvbn-ts. Loaded once; a Set lookup per registration.
 */
export function commonPasswords(): string[] {
  return dictionary['passwords-common'].map((p) => p.toLowerCase());
}
