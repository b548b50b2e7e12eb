import type { TokenSet } from './token-issuer';
import type { User } from './user';

/** The caller of an authenticated auth route, as the verified access token describes it. */
export interface SessionCaller {
  userId: string;
  /** `username` claim: the user id locally, the Cognito user name in Cognito mode. */
  username: string;
  sessionId?: string;
  accessToken: string;
}

/**
 * What auth-service offers, whoever really holds the identities: the local issuer here, AWS
 * Cognito in production. Routes depend only on this interface.
 */
export interface IdentityProvider {
  readonly kind: 'local' | 'cognito';
  register(input: { email: string; password: string; name?: string }): Promise<User>;
  /** Cognito only: confirms a sign-up with the code Cognito sent. */
  confirm(input: { email: string; code: string }): Promise<void>;
  login(input: { email: string; password: string }): Promise<TokenSet>;
  refresh(refreshToken: string): Promise<TokenSet>;
  /** Ends the caller's session: its refresh tokens stop working. */
  logout(caller: SessionCaller, refreshToken?: string): Promise<void>;
  me(caller: SessionCaller): Promise<User>;
  setGroups(userId: string, groups: string[]): Promise<User>;
}
