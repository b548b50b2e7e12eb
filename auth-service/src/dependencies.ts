import { createTokenVerifier, type ServiceInfrastructure, type TokenVerifier } from '@micropay/platform';
import type { Config } from './config';
import { Argon2PasswordHasher } from './adapters/argon2-password-hasher';
import { CognitoIdentityProvider } from './adapters/cognito-identity-provider';
import { commonPasswords } from './adapters/common-passwords';
import { ClientCredentialsGrant } from './domain/client-credentials-grant';
import type { IdentityProvider, PasswordHasher, RevocationStore, SessionStore } from './domain/ports';
import { LocalIdentityProvider } from './domain/local-identity-provider';
import { LoginLockout } from './domain/login-lockout';
import { PasswordPolicy } from './domain/password-policy';
import { revocationAwareVerifier, sessionAwareVerifier } from './domain/sessions';
import { SigningKeys } from './domain/signing-keys';
import { TokenIssuer } from './domain/token-issuer';
import { LoginAttemptRepository } from './data/login-attempt-repository';
import { RevocationRepository } from './data/revocation-repository';
import { SessionRepository } from './data/session-repository';
import { SigningKeyRepository } from './data/signing-key-repository';
import { UserRepository } from './data/user-repository';

export type Infrastructure = ServiceInfrastructure<Config>;

export interface Dependencies extends Infrastructure {
  identity: IdentityProvider;
  lockout: LoginLockout;
  /** Verifies tokens on auth-service's own authenticated routes (me, logout, groups). */
  verifier: TokenVerifier;
  /** The revocation list every service polls at GET /internal/revocations (ADR 0009). */
  revocations: RevocationStore;
  /** The local issuer's keys, grant and scopes; absent in Cognito mode (Cognito issues tokens). */
  local?: { keys: SigningKeys; grant: ClientCredentialsGrant; scopes: string[]; sessions: SessionStore };
}

export interface DependencyOverrides {
  hasher?: PasswordHasher;
  now?: () => number;
  /** For the Cognito emulator in tests; unset: the AWS SDK's default credential chain. */
  cognitoCredentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Wires repositories and domain services; shared by main.ts and the tests. */
export function createDependencies(infra: Infrastructure, overrides: DependencyOverrides = {}): Dependencies {
  const { config, db } = infra;
  const lockout = new LoginLockout(new LoginAttemptRepository(db.knex), config.lockout);
  const policy = new PasswordPolicy(commonPasswords());
  const revocations = new RevocationRepository(db.knex, config.revocationRetentionSeconds);

  if (config.cognito) {
    const identity = new CognitoIdentityProvider({
      ...config.cognito,
      policy,
      revocations,
      credentials: overrides.cognitoCredentials,
    });
    const verifier = revocationAwareVerifier(
      createTokenVerifier({
        issuer: config.cognito.issuer,
        jwksUrl: `${config.cognito.issuer}/.well-known/jwks.json`,
        clientIds: [config.cognito.clientId],
      }),
      revocations,
    );
    return { ...infra, identity, lockout, verifier, revocations };
  }

  const keys = new SigningKeys(new SigningKeyRepository(db.knex), {
    maxTokenLifetimeSeconds: Math.max(config.accessTokenTtlSeconds, config.clientTokenTtlSeconds),
    rotationSeconds: config.signingKeyRotationSeconds,
    now: overrides.now,
  });
  const tokens = new TokenIssuer(keys, {
    issuer: config.issuer,
    appClientId: config.appClientId,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    clientTokenTtlSeconds: config.clientTokenTtlSeconds,
  });
  const sessions = new SessionRepository(db.knex, config.revocationRetentionSeconds);
  const identity = new LocalIdentityProvider({
    users: new UserRepository(db.knex),
    sessions,
    hasher: overrides.hasher ?? new Argon2PasswordHasher(),
    policy,
    tokens,
    appClientId: config.appClientId,
    sessionTtlSeconds: config.refreshTokenTtlSeconds,
  });
  const verifier = sessionAwareVerifier(
    createTokenVerifier({ issuer: config.issuer, keys: keys.verificationKey }),
    sessions,
  );
  const scopes = [...new Set(config.oauthClients.flatMap((c) => c.scopes))].sort();
  return {
    ...infra,
    identity,
    lockout,
    verifier,
    revocations,
    local: { keys, grant: new ClientCredentialsGrant(config.oauthClients, tokens), scopes, sessions },
  };
}
