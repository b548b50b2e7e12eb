import { commonErrors, type TokenVerifier } from '@micropay/platform';

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

/**
 * A verifier for auth-service's own routes that also refuses access tokens of a session that
 * has ended (logout, refresh-token replay): the signature alone would still pass until expiry.
 */
export function sessionAwareVerifier(verifier: TokenVerifier, sessions: Pick<SessionStore, 'isActive'>): TokenVerifier {
  return {
    async verify(token) {
      const caller = await verifier.verify(token);
      if (caller.kind === 'user' && caller.sessionId && !(await sessions.isActive(caller.sessionId))) {
        throw commonErrors.invalid_token.create('The session of this token has ended; log in again.', {
          headers: { 'WWW-Authenticate': 'Bearer realm="micropay", error="invalid_token"' },
        });
      }
      return caller;
    },
  };
}
