import { auth, defineRoute } from '@micropay/platform';
import { authErrors } from '../domain/errors';
import type { IdentityProvider } from '../domain/identity-provider';
import { publicUser } from '../domain/user';
import { LoginBody, RegisterBody, TokenSet, User } from './schemas';

export function authRoutes(identity: IdentityProvider) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/auth/register',
      operationId: 'register',
      summary: 'Create a user account',
      tags: ['auth'],
      auth: auth.public(),
      request: { body: RegisterBody },
      responses: { 201: { description: 'The new user, in the customer group.', schema: User } },
      errors: [authErrors.email_taken, authErrors.weak_password],
      async handler({ body }) {
        const user = await identity.register(body);
        return { status: 201, body: publicUser(user) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/auth/login',
      operationId: 'login',
      summary: 'Exchange email and password for tokens',
      tags: ['auth'],
      auth: auth.public(),
      request: { body: LoginBody },
      responses: { 200: { description: 'Access, id and refresh tokens.', schema: TokenSet } },
      errors: [authErrors.invalid_credentials],
      async handler({ body }) {
        return { status: 200, body: await identity.login(body), headers: { 'Cache-Control': 'no-store' } };
      },
    }),
  ];
}
