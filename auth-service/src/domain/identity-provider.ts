import type { TokenSet } from './token-issuer';
import type { User } from './user';

/**
 * What auth-service offers, whoever really holds the identities: the local issuer here, AWS
 * Cognito in production. Routes depend only on this interface.
 */
export interface IdentityProvider {
  register(input: { email: string; password: string; name?: string }): Promise<User>;
  login(input: { email: string; password: string }): Promise<TokenSet>;
}
