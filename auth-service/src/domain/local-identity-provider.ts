import { randomUUID } from 'node:crypto';
import { newId } from '@micropay/platform';
import { authErrors } from './errors';
import type { IdentityProvider, PasswordHasher, SessionCaller, SessionStore, UserStore } from './ports';
import type { PasswordPolicy } from './password-policy';
import { hashRefreshToken, newRefreshToken, type TokenIssuer, type TokenSet } from './token-issuer';
import { normaliseEmail, type User } from './user';

export interface LocalIdentityProviderDeps {
  users: UserStore;
  sessions: SessionStore;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
  tokens: TokenIssuer;
  appClientId: string;
  /** Fixed at login: rotating refresh tokens never extends a session. */
  sessionTtlSeconds: number;
}

const invalidRefreshToken = () =>
  authErrors.invalid_refresh_token.create('The refresh token is not valid; log in again.', { param: 'refresh_token' });

/** auth-service as its own issuer: users, argon2id hashes, sessions and refresh tokens in the `auth` schema. */
export class LocalIdentityProvider implements IdentityProvider {
  readonly kind = 'local' as const;
  private dummyHash?: Promise<string>;

  constructor(private readonly deps: LocalIdentityProviderDeps) {}

  async register(input: { email: string; password: string; name?: string }): Promise<User> {
    const email = normaliseEmail(input.email);
    this.deps.policy.assertAllowed(input.password, email);
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

  async confirm(): Promise<void> {
    throw authErrors.invalid_confirmation_code.create('Accounts of the local provider need no confirmation.', {
      param: 'code',
    });
  }

  async login(input: { email: string; password: string }): Promise<TokenSet> {
    const user = await this.deps.users.findByEmail(normaliseEmail(input.email));
    // Verify against a dummy hash for unknown emails so response time does not reveal them.
    this.dummyHash ??= this.deps.hasher.hash(randomUUID());
    const valid = await this.deps.hasher.verify(user?.passwordHash ?? (await this.dummyHash), input.password);
    if (!user || !valid) throw authErrors.invalid_credentials.create('The email or password is incorrect.');

    const refresh = newRefreshToken();
    const sessionId = randomUUID();
    const now = new Date();
    await this.deps.sessions.create({
      id: sessionId,
      userId: user.id,
      clientId: this.deps.appClientId,
      expiresAt: new Date(now.getTime() + this.deps.sessionTtlSeconds * 1000),
      refreshTokenId: newId('rt'),
      refreshTokenHash: refresh.hash,
    });
    return this.deps.tokens.userTokens(user, {
      originJti: sessionId,
      refreshToken: refresh.token,
      authTime: Math.floor(now.getTime() / 1000),
    });
  }

  async refresh(refreshToken: string): Promise<TokenSet> {
    const next = newRefreshToken();
    const result = await this.deps.sessions.rotate(hashRefreshToken(refreshToken), {
      id: newId('rt'),
      tokenHash: next.hash,
    });
    if (result.outcome !== 'rotated') throw invalidRefreshToken();
    const user = await this.deps.users.findById(result.session.userId);
    if (!user) throw invalidRefreshToken();
    return this.deps.tokens.userTokens(user, {
      originJti: result.session.id,
      refreshToken: next.token,
      authTime: Math.floor(result.session.createdAt.getTime() / 1000),
    });
  }

  async logout(caller: SessionCaller): Promise<void> {
    if (caller.sessionId) await this.deps.sessions.revoke(caller.sessionId, 'logout');
  }

  async me(caller: SessionCaller): Promise<User> {
    const user = await this.deps.users.findById(caller.userId);
    if (!user) throw authErrors.user_missing.create('The account no longer exists.');
    return user;
  }

  async getUser(userId: string): Promise<User> {
    const user = await this.deps.users.findById(userId);
    if (!user) throw authErrors.user_missing.create(`No user ${userId}.`, { param: 'id' });
    return user;
  }

  async setGroups(userId: string, groups: string[]): Promise<User> {
    const user = await this.deps.users.setGroups(userId, groups);
    if (!user) throw authErrors.user_missing.create(`No user ${userId}.`, { param: 'id' });
    return user;
  }
}
