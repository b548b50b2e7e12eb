import { commonErrors, type TokenVerifier } from '@micropay/platform';
import type { SessionStore } from './ports';

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
