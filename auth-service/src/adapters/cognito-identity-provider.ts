import { createHmac } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
  type AttributeType,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AppError, commonErrors } from '@micropay/platform';
import { decodeJwt } from 'jose';
import { authErrors } from '../domain/errors';
import type { IdentityProvider, RevocationStore, SessionCaller } from '../domain/ports';
import type { PasswordPolicy } from '../domain/password-policy';
import type { TokenSet } from '../domain/token-issuer';
import { normaliseEmail, type User } from '../domain/user';

export interface CognitoOptions {
  region: string;
  userPoolId: string;
  clientId: string;
  clientSecret?: string;
  autoConfirm: boolean;
  /** An emulator's URL in tests; unset: AWS's regional endpoint. */
  endpoint?: string;
  policy: PasswordPolicy;
  /** Where a logout is published, so every service refuses the revoked tokens too (ADR 0009). */
  revocations: Pick<RevocationStore, 'record'>;
  /** Tests pass the emulator's dummy credentials; unset: the SDK's default chain (IRSA in EKS). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

type Operation = 'register' | 'confirm' | 'login' | 'refresh' | 'session' | 'admin';

/**
 * Our refresh tokens in Cognito mode carry the Cognito user name beside Cognito's own token:
 * REFRESH_TOKEN_AUTH needs it for SECRET_HASH when the app client has a secret, and the token is
 * opaque to clients either way.
 */
const REFRESH_PREFIX = 'mpc1';

/**
 * Identities in an AWS Cognito user pool (UsernameAttributes: email), through the real AWS SDK.
 * User ids are Cognito's `sub`; Cognito issues and signs the tokens, and its errors are mapped
 * to this API's error codes.
 */
export class CognitoIdentityProvider implements IdentityProvider {
  readonly kind = 'cognito' as const;
  private readonly client: CognitoIdentityProviderClient;

  constructor(private readonly options: CognitoOptions) {
    this.client = new CognitoIdentityProviderClient({
      region: options.region,
      endpoint: options.endpoint,
      credentials: options.credentials,
      maxAttempts: 2,
    });
  }

  async register(input: { email: string; password: string; name?: string }): Promise<User> {
    const email = normaliseEmail(input.email);
    this.options.policy.assertAllowed(input.password, email);
    const attributes: AttributeType[] = [{ Name: 'email', Value: email }];
    if (input.name) attributes.push({ Name: 'name', Value: input.name });
    const signUp = await this.call('register', () =>
      this.client.send(
        new SignUpCommand({
          ClientId: this.options.clientId,
          SecretHash: this.secretHash(email),
          Username: email,
          Password: input.password,
          UserAttributes: attributes,
        }),
      ),
    );
    const sub = signUp.UserSub as string;
    if (this.options.autoConfirm) {
      await this.call('admin', () =>
        this.client.send(new AdminConfirmSignUpCommand({ UserPoolId: this.options.userPoolId, Username: sub })),
      );
    }
    await this.call('admin', () =>
      this.client.send(
        new AdminAddUserToGroupCommand({ UserPoolId: this.options.userPoolId, Username: sub, GroupName: 'customer' }),
      ),
    );
    return { id: sub, email, name: input.name ?? null, groups: ['customer'], createdAt: new Date() };
  }

  async confirm(input: { email: string; code: string }): Promise<void> {
    const email = normaliseEmail(input.email);
    await this.call('confirm', () =>
      this.client.send(
        new ConfirmSignUpCommand({
          ClientId: this.options.clientId,
          SecretHash: this.secretHash(email),
          Username: email,
          ConfirmationCode: input.code,
        }),
      ),
    );
  }

  async login(input: { email: string; password: string }): Promise<TokenSet> {
    const email = normaliseEmail(input.email);
    const parameters: Record<string, string> = { USERNAME: email, PASSWORD: input.password };
    const secretHash = this.secretHash(email);
    if (secretHash) parameters.SECRET_HASH = secretHash;
    const result = await this.call('login', () =>
      this.client.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: this.options.clientId,
          AuthParameters: parameters,
        }),
      ),
    );
    if (!result.AuthenticationResult) throw challengeError(result.ChallengeName);
    const username = String(decodeJwt(result.AuthenticationResult.AccessToken ?? '').username ?? '');
    return tokenSet(
      result.AuthenticationResult,
      `${REFRESH_PREFIX}.${Buffer.from(username).toString('base64url')}.${result.AuthenticationResult.RefreshToken}`,
    );
  }

  async refresh(refreshToken: string): Promise<TokenSet> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed)
      throw authErrors.invalid_refresh_token.create('The refresh token is not valid; log in again.', {
        param: 'refresh_token',
      });
    const parameters: Record<string, string> = { REFRESH_TOKEN: parsed.token };
    const secretHash = this.secretHash(parsed.username);
    if (secretHash) parameters.SECRET_HASH = secretHash;
    const result = await this.call('refresh', () =>
      this.client.send(
        new InitiateAuthCommand({
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: this.options.clientId,
          AuthParameters: parameters,
        }),
      ),
    );
    if (!result.AuthenticationResult) throw challengeError(result.ChallengeName);
    // Cognito returns a new refresh token only when the app client rotates them; else the same one stays valid.
    const next = result.AuthenticationResult.RefreshToken;
    return tokenSet(
      result.AuthenticationResult,
      next ? `${REFRESH_PREFIX}.${Buffer.from(parsed.username).toString('base64url')}.${next}` : refreshToken,
    );
  }

  /**
   * With a refresh token: RevokeToken (that session only). Without: GlobalSignOut (every session
   * of the user). Either way the revocation list gets the same (the session's `origin_jti`, or
   * the user's tokens issued until now), because other services check Cognito's tokens locally.
   */
  async logout(caller: SessionCaller, refreshToken?: string): Promise<void> {
    const parsed = refreshToken ? parseRefreshToken(refreshToken) : undefined;
    if (refreshToken && !parsed)
      throw authErrors.invalid_refresh_token.create('The refresh token is not valid.', { param: 'refresh_token' });
    // `iat` has whole seconds: every token issued up to and in this second ends (a login in the same second too).
    const everyToken = { type: 'user' as const, id: caller.userId, issuedBefore: Math.floor(Date.now() / 1000) + 1 };
    if (parsed) {
      await this.call('session', () =>
        this.client.send(
          new RevokeTokenCommand({
            ClientId: this.options.clientId,
            ClientSecret: this.options.clientSecret,
            Token: parsed.token,
          }),
        ),
      );
      // A token without origin_jti cannot name its session: all the user's tokens until now end (the safe side).
      await this.options.revocations.record(caller.sessionId ? { type: 'session', id: caller.sessionId } : everyToken);
      return;
    }
    await this.call('session', () => this.client.send(new GlobalSignOutCommand({ AccessToken: caller.accessToken })));
    await this.options.revocations.record(everyToken);
  }

  async me(caller: SessionCaller): Promise<User> {
    // GetUser with the access token: Cognito refuses tokens of a signed-out user, which a local JWT check cannot see.
    const current = await this.call('session', () =>
      this.client.send(new GetUserCommand({ AccessToken: caller.accessToken })),
    );
    return this.adminUser(current.Username as string);
  }

  async getUser(userId: string): Promise<User> {
    return this.adminUser(userId);
  }

  async setGroups(userId: string, groups: string[]): Promise<User> {
    const pool = this.options.userPoolId;
    const current = await this.currentGroups(userId);
    for (const group of groups.filter((g) => !current.includes(g))) {
      await this.call('admin', () =>
        this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: userId, GroupName: group })),
      );
    }
    for (const group of current.filter((g) => !groups.includes(g))) {
      await this.call('admin', () =>
        this.client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: pool, Username: userId, GroupName: group })),
      );
    }
    return this.adminUser(userId);
  }

  private async adminUser(username: string): Promise<User> {
    const [user, groups] = await Promise.all([
      this.call('admin', () =>
        this.client.send(new AdminGetUserCommand({ UserPoolId: this.options.userPoolId, Username: username })),
      ),
      this.currentGroups(username),
    ]);
    const attribute = (name: string) => user.UserAttributes?.find((a) => a.Name === name)?.Value;
    return {
      id: attribute('sub') ?? username,
      email: attribute('email') ?? '',
      name: attribute('name') ?? null,
      groups,
      createdAt: user.UserCreateDate ?? new Date(0),
    };
  }

  private async currentGroups(username: string): Promise<string[]> {
    const result = await this.call('admin', () =>
      this.client.send(
        new AdminListGroupsForUserCommand({ UserPoolId: this.options.userPoolId, Username: username, Limit: 60 }),
      ),
    );
    return (result.Groups ?? []).map((g) => g.GroupName as string).sort();
  }

  /** SECRET_HASH = Base64(HMAC-SHA256(client secret, username + client id)), only when the client has a secret. */
  private secretHash(username: string): string | undefined {
    if (!this.options.clientSecret) return undefined;
    return createHmac('sha256', this.options.clientSecret)
      .update(username + this.options.clientId)
      .digest('base64');
  }

  private async call<T>(operation: Operation, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw mapCognitoError(error, operation);
    }
  }
}

function tokenSet(result: AuthenticationResultType, refreshToken: string): TokenSet {
  const access = result.AccessToken as string;
  const claims = decodeJwt(access);
  // Cognito sends ExpiresIn; some emulators do not, so fall back to the token's own lifetime.
  const expiresIn = result.ExpiresIn ?? (claims.exp && claims.iat ? claims.exp - claims.iat : 3600);
  return {
    access_token: access,
    id_token: result.IdToken as string,
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: expiresIn,
  };
}

function parseRefreshToken(token: string): { username: string; token: string } | undefined {
  const [prefix, username, ...rest] = token.split('.');
  if (prefix !== REFRESH_PREFIX || !username || rest.length === 0) return undefined;
  return { username: Buffer.from(username, 'base64url').toString('utf8'), token: rest.join('.') };
}

function challengeError(challenge: string | undefined): AppError {
  return commonErrors.forbidden.create(
    `Cognito asked for the ${challenge ?? 'unknown'} challenge, which this API does not support.`,
  );
}

/** Cognito's exceptions (by name) → this API's error codes, depending on what was being done. */
export function mapCognitoError(error: unknown, operation: Operation): AppError {
  if (error instanceof AppError) return error;
  const name = (error as { name?: string })?.name ?? '';
  const message = (error as { message?: string })?.message ?? '';
  switch (name) {
    case 'UsernameExistsException':
    case 'AliasExistsException':
      return authErrors.email_taken.create('An account with this email already exists.', {
        param: 'email',
        cause: error,
      });
    case 'InvalidPasswordException':
      return authErrors.weak_password.create(
        `Password rejected: ${message || 'it does not meet the user pool policy'}.`,
        { param: 'password', cause: error },
      );
    case 'UserNotConfirmedException':
      return authErrors.user_not_confirmed.create(
        'Confirm the account with the code that was sent before logging in.',
        { cause: error },
      );
    case 'CodeMismatchException':
    case 'ExpiredCodeException':
      return authErrors.invalid_confirmation_code.create('The confirmation code is wrong or has expired.', {
        param: 'code',
        cause: error,
      });
    case 'TooManyRequestsException':
    case 'LimitExceededException':
    case 'TooManyFailedAttemptsException':
      return commonErrors.rate_limited.create('The identity provider is throttling requests; retry later.', {
        cause: error,
        headers: { 'Retry-After': '1' },
      });
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
      if (operation === 'confirm') {
        // ConfirmSignUp answers NotAuthorized "… Current status is CONFIRMED" for a confirmed
        // account, and for a bad SECRET_HASH (our misconfiguration: 503 below). An unknown email
        // gets the wrong-code answer, so confirm cannot tell anyone who has an account.
        if (/status is CONFIRMED/i.test(message))
          return authErrors.already_confirmed.create('This account is already confirmed; log in.', { cause: error });
        if (!/secret hash/i.test(message)) {
          return authErrors.invalid_confirmation_code.create('The confirmation code is wrong or has expired.', {
            param: 'code',
            cause: error,
          });
        }
        break;
      }
      if (operation === 'register' && name === 'NotAuthorizedException') {
        return authErrors.registration_closed.create('Sign-up is turned off; ask an administrator for an account.', {
          cause: error,
        });
      }
      if (operation === 'login')
        return authErrors.invalid_credentials.create('The email or password is incorrect.', { cause: error });
      if (operation === 'refresh')
        return authErrors.invalid_refresh_token.create('The refresh token is not valid; log in again.', {
          param: 'refresh_token',
          cause: error,
        });
      if (operation === 'session')
        return commonErrors.invalid_token.create('The access token is no longer valid; log in again.', {
          cause: error,
        });
      if (name === 'UserNotFoundException')
        return authErrors.user_missing.create('No such user.', { param: 'id', cause: error });
      break;
    case 'InvalidParameterException':
      return commonErrors.parameter_invalid.create(`The identity provider refused a parameter: ${message}`, {
        cause: error,
      });
  }
  return commonErrors.upstream_unavailable.create('The identity provider failed; retry later.', { cause: error });
}
