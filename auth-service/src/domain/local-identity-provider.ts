import { randomUUID } from 'node:crypto';
import { newId } from '@micropay/platform';
import { authErrors } from './errors';
import type { IdentityProvider } from './identity-provider';
import { assertPasswordAllowed, type PasswordHasher } from './password-policy';
import { newRefreshToken, type TokenIssuer, type TokenSet } from './token-issuer';
import { normaliseEmail, type User } from './user';

export interface UserStore {
  insert(user: { id: string; email: string; passwordHash: string; name: string | null; groups: string[] }): Promise<User | undefined>;
  findByEmail(email: string): Promise<(User & { passwordHash: string }) | undefined>;
}

export interface RefreshTokenStore {
  insert(token: { id: string; tokenHash: string; userId: string; familyId: string; clientId: string; expiresAt: Date }): Promise<void>;
}

export interface LocalIdentityProviderDeps {
  users: UserStore;
  refreshTokens: RefreshTokenStore;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  appClientId: string;
  refreshTokenTtlSeconds: number;
}

/** auth-service as its own issuer: users, argon2id hashes and refresh tokens in the `auth` schema. */
export class LocalIdentityProvider implements IdentityProvider {
  private dummyHash?: Promise<string>;

  constructor(private readonly deps: LocalIdentityProviderDeps) {}

  async register(input: { email: string; password: string; name?: string }): Promise<User> {
    const email = normaliseEmail(input.email);
    assertPasswordAllowed(input.password, email);
    const user = await this.deps.users.insert({
      id: newId('usr'),
      email,
      passwordHash: await this.deps.hasher.hash(input.password),
      name: input.name ?? null,
      groups: ['customer'],
    });
    if (!user) throw authErrors.email_taken.create('An account with this email already exists.', { param: 'email' });
    return user;
  }

  async login(input: { email: string; password: string }): Promise<TokenSet> {
    const user = await this.deps.users.findByEmail(normaliseEmail(input.email));
    // Verify against a dummy hash for unknown emails so response time does not reveal them.
    this.dummyHash ??= this.deps.hasher.hash(randomUUID());
    const valid = await this.deps.hasher.verify(user?.passwordHash ?? (await this.dummyHash), input.password);
    if (!user || !valid) throw authErrors.invalid_credentials.create('The email or password is incorrect.');

    const refresh = newRefreshToken();
    const familyId = randomUUID();
    await this.deps.refreshTokens.insert({
      id: newId('rt'),
      tokenHash: refresh.hash,
      userId: user.id,
      familyId,
      clientId: this.deps.appClientId,
      expiresAt: new Date(Date.now() + this.deps.refreshTokenTtlSeconds * 1000),
    });
    return this.deps.tokens.userTokens(user, { originJti: familyId, refreshToken: refresh.token, authTime: Math.floor(Date.now() / 1000) });
  }
}
