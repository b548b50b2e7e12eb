import type { JWK } from 'jose';
import type { RevocationEntry } from '@micropay/platform';
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
 * The interfaces auth-service's domain is written against: the identity provider the routes use
 * (local here, Cognito in adapters/), and the stores and hasher that data/ and adapters/ implement.
 */

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
  /** One user by id (admins, and services with users:read such as notification-service for receipts). */
  getUser(userId: string): Promise<User>;
}

export interface UserStore {
  insert(user: {
    id: string;
    email: string;
    passwordHash: string;
    name: string | null;
    groups: string[];
  }): Promise<User | undefined>;
  findByEmail(email: string): Promise<(User & { passwordHash: string }) | undefined>;
  findById(id: string): Promise<User | undefined>;
  setGroups(id: string, groups: string[]): Promise<User | undefined>;
}

export interface SessionRef {
  id: string;
  userId: string;
  clientId: string;
  createdAt: Date;
}

export type RefreshOutcome =
  | { outcome: 'rotated'; session: SessionRef }
  /** The token had already been exchanged: a replay, so its whole session has been revoked. */
  | { outcome: 'reused'; sessionId: string }
  /** The session was revoked (logout, an earlier replay) or has reached its fixed lifetime. */
  | { outcome: 'ended'; sessionId: string }
  | { outcome: 'unknown' };

/** Login sessions: each is one refresh-token family with a lifetime fixed at login. */
export interface SessionStore {
  create(session: {
    id: string;
    userId: string;
    clientId: string;
    expiresAt: Date;
    refreshTokenId: string;
    refreshTokenHash: string;
  }): Promise<void>;
  rotate(tokenHash: string, next: { id: string; tokenHash: string }): Promise<RefreshOutcome>;
  revoke(sessionId: string, reason: 'logout' | 'refresh_token_reuse'): Promise<void>;
  isActive(sessionId: string): Promise<boolean>;
  /** Deletes up to `limit` sessions past their fixed lifetime, with their refresh tokens; returns how many. */
  deleteEnded(limit: number): Promise<number>;
}

/** An ended session (`origin_jti`), or a user signed out everywhere: tokens issued before `issuedBefore` (seconds). */
export type Revocation = { type: 'session'; id: string } | { type: 'user'; id: string; issuedBefore: number };

/** The revocation list every service polls (ADR 0009). */
export interface RevocationStore {
  record(revocation: Revocation): Promise<void>;
  /** Every live revocation, or those written since `since` (ms, a cursor this returned), with the next cursor. */
  page(since?: number): Promise<{ cursor: number; data: RevocationEntry[] }>;
  isRevoked(token: { sub: string; sessionId?: string; issuedAt: number }): Promise<boolean>;
  /** Deletes up to `limit` revocations whose tokens have all expired; returns how many. */
  deleteExpired(limit: number): Promise<number>;
}

export interface LoginAttemptStore {
  /**
   * Counts an attempt as a failure before its password is checked, in one atomic step, so
   * parallel guesses cannot all slip past the limit: the attempt that reaches `maxFailures`
   * locks the key for `lockSchedule[0]` seconds, each later one for the next entry (the last
   * entry repeats). Answers the count, or the seconds left when the key is already locked.
   */
  begin(key: string, attempt: AttemptRules): Promise<{ failures: number } | { lockedForSeconds: number }>;
  /**
   * Takes back an attempt that could not be judged (the provider failed), with any lock: a lock
   * in force would have refused the attempt, so a lock now is the one this attempt set.
   */
  undo(key: string): Promise<void>;
  clear(key: string): Promise<void>;
  /** Deletes up to `limit` counts that are not locked and have seen no failure within `windowSeconds`; returns how many. */
  deleteStale(windowSeconds: number, limit: number): Promise<number>;
}

export interface AttemptRules {
  maxFailures: number;
  lockSchedule: number[];
  /** A count with no failure for this long starts again from 1. */
  windowSeconds: number;
}

export interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: Date;
}

export interface SigningKeyStore {
  active(): Promise<StoredKey | undefined>;
  insertActive(key: { kid: string; privateJwk: JWK; publicJwk: JWK }): Promise<void>;
  rotate(currentKid: string, next: { kid: string; privateJwk: JWK; publicJwk: JWK }): Promise<void>;
  /** The key retired within the last `seconds` (database clock), if any. */
  retiredWithin(seconds: number): Promise<StoredKey | undefined>;
  publishable(graceSeconds: number): Promise<{ kid: string; publicJwk: JWK }[]>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}
