import { auth, bearerToken, type Caller, commonErrors, defineRoute } from '@micropay/platform';
import type { Request } from 'express';
import { authErrors } from '../domain/errors';
import type { IdentityProvider, SessionCaller } from '../domain/ports';
import type { LoginLockout } from '../domain/login-lockout';
import { publicUser } from '../domain/user';
import {
  ConfirmBody,
  GroupsBody,
  LoginBody,
  LogoutBody,
  RefreshBody,
  RegisterBody,
  TokenSet,
  User,
  UserIdParams,
} from './schemas';

const NO_STORE = { 'Cache-Control': 'no-store' };

const sessionCaller = (caller: Caller, req: Request): SessionCaller => ({
  userId: caller.sub,
  username: caller.username ?? caller.sub,
  sessionId: caller.sessionId,
  accessToken: bearerToken(req),
});

export function authRoutes(identity: IdentityProvider, lockout: LoginLockout) {
  // Every route here sits behind the per-IP limiter on /v1/auth (rate-limit.ts), so each can answer 429.
  return routes(identity, lockout).map((route) => ({
    ...route,
    errors: [...(route.errors ?? []), commonErrors.rate_limited],
  }));
}

function routes(identity: IdentityProvider, lockout: LoginLockout) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/auth/register',
      operationId: 'register',
      summary: 'Create a user account',
      description:
        'In Cognito mode the account may need confirming with the emailed code (POST /v1/auth/confirm) before login.',
      tags: ['auth'],
      auth: auth.public(),
      request: { body: RegisterBody },
      responses: { 201: { description: 'The new user, in the customer group.', schema: User } },
      errors: [authErrors.email_taken, authErrors.weak_password, authErrors.registration_closed],
      async handler({ body }) {
        const user = await identity.register(body);
        return { status: 201, body: publicUser(user) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/auth/confirm',
      operationId: 'confirmRegistration',
      summary: 'Confirm a sign-up with the emailed code (Cognito mode)',
      tags: ['auth'],
      auth: auth.public(),
      request: { body: ConfirmBody },
      responses: { 204: { description: 'Confirmed: the user can log in.' } },
      errors: [authErrors.invalid_confirmation_code, authErrors.already_confirmed],
      async handler({ body }) {
        await identity.confirm(body);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/auth/login',
      operationId: 'login',
      summary: 'Exchange email and password for tokens',
      description:
        'After LOGIN_MAX_FAILURES failed attempts the email is locked for a period that doubles with each further failure (429 login_locked, Retry-After).',
      tags: ['auth'],
      auth: auth.public(),
      request: { body: LoginBody },
      responses: { 200: { description: 'Access, id and refresh tokens.', schema: TokenSet } },
      // forbidden: Cognito asked for a challenge (MFA, new password) this API does not support.
      errors: [
        authErrors.invalid_credentials,
        authErrors.login_locked,
        authErrors.user_not_confirmed,
        commonErrors.forbidden,
      ],
      async handler({ body }) {
        const tokens = await lockout.guard(body.email, () => identity.login(body));
        return { status: 200, body: tokens, headers: NO_STORE };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/auth/refresh',
      operationId: 'refreshTokens',
      summary: 'Exchange a refresh token for new tokens (the refresh token rotates)',
      description:
        'Local provider: each refresh token works once and is replaced by the one returned; presenting an already used refresh token revokes the whole session; sessions end at a fixed time after login. Cognito provider: the pool decides — with refresh-token rotation on the app client it rotates the same way, without it the same refresh token stays valid until it expires or is revoked.',
      tags: ['auth'],
      auth: auth.public(),
      request: { body: RefreshBody },
      responses: { 200: { description: 'New access and id tokens, and the next refresh token.', schema: TokenSet } },
      errors: [authErrors.invalid_refresh_token, commonErrors.forbidden],
      async handler({ body }) {
        return { status: 200, body: await identity.refresh(body.refresh_token), headers: NO_STORE };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/auth/logout',
      operationId: 'logout',
      summary: "End the caller's session: its refresh tokens stop working",
      description:
        'Local provider: ends the session the access token belongs to. Cognito provider: with refresh_token, revokes that session (RevokeToken); without it, signs the user out of every session (GlobalSignOut).',
      tags: ['auth'],
      auth: auth.user(),
      request: { body: LogoutBody },
      responses: { 204: { description: 'Logged out.' } },
      errors: [authErrors.invalid_refresh_token],
      async handler({ body, caller, req }) {
        await identity.logout(sessionCaller(caller, req), body?.refresh_token);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/auth/me',
      operationId: 'getMe',
      summary: 'The calling user',
      tags: ['auth'],
      auth: auth.user(),
      responses: { 200: { description: 'The user the access token belongs to.', schema: User } },
      errors: [authErrors.user_missing],
      async handler({ caller, req }) {
        return { status: 200, body: publicUser(await identity.me(sessionCaller(caller, req))) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/auth/users/:id',
      operationId: 'getUser',
      summary: 'One user (admins, and service clients with users:read)',
      description:
        'notification-service reads the address of an email receipt here, with its client-credentials token.',
      tags: ['auth'],
      auth: { public: false, users: true, groups: ['admin'], clientScopes: ['users:read'] },
      request: { params: UserIdParams },
      responses: { 200: { description: 'The user.', schema: User } },
      errors: [authErrors.user_missing],
      async handler({ params }) {
        return { status: 200, body: publicUser(await identity.getUser(params.id)) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/auth/users/:id/groups',
      operationId: 'setUserGroups',
      summary: "Replace a user's groups (admins only)",
      description: 'Tokens issued before the change keep the old groups until they are refreshed.',
      tags: ['auth'],
      auth: auth.user({ groups: ['admin'] }),
      request: { params: UserIdParams, body: GroupsBody },
      responses: { 200: { description: 'The user with the new groups.', schema: User } },
      errors: [authErrors.user_missing],
      async handler({ params, body }) {
        return { status: 200, body: publicUser(await identity.setGroups(params.id, body.groups)) };
      },
    }),
  ];
}
