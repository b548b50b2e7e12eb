import { commonErrors, type TokenVerifier } from '@micropay/platform';
import type { RevocationStore, SessionStore } from './ports';

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

/**
 * Cognito mode's verifier for auth-service's own routes: refuses tokens on the revocation list
 * (ADR 0009), read from the database, so a logout is refused here at once.
 */
export function revocationAwareVerifier(
  verifier: TokenVerifier,
  revocations: Pick<RevocationStore, 'isRevoked'>,
): TokenVerifier {
  return {
    async verify(token) {
      const caller = await verifier.verify(token);
      if (caller.kind === 'user' && (await revocations.isRevoked(caller))) {
        throw commonErrors.invalid_token.create('The session of this token has ended; log in again.', {
          headers: { 'WWW-Authenticate': 'Bearer realm="micropay", error="invalid_token"' },
        });
      }
      return caller;
    },
  };
}
