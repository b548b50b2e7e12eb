import { hash, verify } from '@node-rs/argon2';
import { type PasswordHasher } from '../domain/ports';

/**
 * argon2id with OWASP's baseline parameters (19 MiB, 2 passes, 1 lane). The encoded hash keeps
 * its parameters, so raising them later still verifies old hashes.
 */
export class Argon2PasswordHasher implements PasswordHasher {
  constructor(private readonly params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }) {}

  hash(password: string): Promise<string> {
    // argon2id is the library's default algorithm (its enum is const, so it is not named here).
    return hash(password, this.params);
  }

  async verify(encoded: string, password: string): Promise<boolean> {
    try {
      return await verify(encoded, password);
    } catch {
      return false;
    }
  }
}
