import type { ServiceInfrastructure } from '@micropay/platform';
import type { Config } from './config';
import { Argon2PasswordHasher } from './adapters/argon2-password-hasher';
import { ClientCredentialsGrant } from './domain/client-credentials-grant';
import type { IdentityProvider } from './domain/identity-provider';
import { LocalIdentityProvider } from './domain/local-identity-provider';
import type { PasswordHasher } from './domain/password-policy';
import { SigningKeys } from './domain/signing-keys';
import { TokenIssuer } from './domain/token-issuer';
import { RefreshTokenRepository } from './data/refresh-token-repository';
import { SigningKeyRepository } from './data/signing-key-repository';
import { UserRepository } from './data/user-repository';

export type Infrastructure = ServiceInfrastructure<Config>;

export interface Dependencies extends Infrastructure {
  identity: IdentityProvider;
  keys: SigningKeys;
  grant: ClientCredentialsGrant;
  scopes: string[];
}

/** Wires repositories and domain services; shared by main.ts and the tests. */
export function createDependencies(infra: Infrastructure, overrides: { hasher?: PasswordHasher } = {}): Dependencies {
  const { config, db } = infra;
  const keys = new SigningKeys(
    new SigningKeyRepository(db.knex),
    Math.max(config.accessTokenTtlSeconds, config.clientTokenTtlSeconds),
  );
  const tokens = new TokenIssuer(keys, {
    issuer: config.issuer,
    appClientId: config.appClientId,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    clientTokenTtlSeconds: config.clientTokenTtlSeconds,
  });
  const identity = new LocalIdentityProvider({
    users: new UserRepository(db.knex),
    refreshTokens: new RefreshTokenRepository(db.knex),
    hasher: overrides.hasher ?? new Argon2PasswordHasher(),
    tokens,
    appClientId: config.appClientId,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
  });
  const scopes = [...new Set(config.oauthClients.flatMap((c) => c.scopes))].sort();
  return { ...infra, identity, keys, grant: new ClientCredentialsGrant(config.oauthClients, tokens), scopes };
}
