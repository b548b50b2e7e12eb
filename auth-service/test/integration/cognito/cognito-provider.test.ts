import { expect } from 'chai';
import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import {
  AppError,
  createTokenVerifier,
  revocationFeed,
  REVOCATIONS_PATH,
  type RevocationFeed,
  type TokenVerifier,
} from '@micropay/platform';
import { call } from '@micropay/platform/testing';
import { startAuthTestApp, uniqueEmail, type AuthTestApp } from '../../support/auth-test-app';
import { CognitoEmulator, EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../../support/cognito-emulator';

/**
 * AUTH_PROVIDER=cognito with the real AWS SDK against cognito-local (see CognitoEmulator for the
 * few behaviours faked at the HTTP boundary because the emulator lacks them).
 */
describe('auth-service with AUTH_PROVIDER=cognito (AWS SDK against cognito-local)', function () {
  this.timeout(60_000);
  let cognito: CognitoEmulator;
  const apps: AuthTestApp[] = [];
  const password = 'Correct-horse-battery-9';

  before(async () => {
    cognito = await CognitoEmulator.start();
  });
  after(async () => {
    for (const app of apps) await app.close();
    await cognito?.stop();
  });

  async function startCognitoApp(options: { autoConfirm: boolean; secret?: 'right' | 'wrong' }) {
    const client = await cognito.createAppClient({ secret: Boolean(options.secret) });
    const app = await startAuthTestApp(
      {
        AUTH_PROVIDER: 'cognito',
        COGNITO_REGION: EMULATOR_REGION,
        COGNITO_USER_POOL_ID: cognito.userPoolId,
        COGNITO_CLIENT_ID: client.clientId,
        ...(client.clientSecret
          ? { COGNITO_CLIENT_SECRET: options.secret === 'right' ? client.clientSecret : `${client.clientSecret}x` }
          : {}),
        COGNITO_AUTO_CONFIRM: String(options.autoConfirm),
        COGNITO_ENDPOINT: cognito.endpoint,
        COGNITO_ISSUER: cognito.issuer,
      },
      { cognitoCredentials: EMULATOR_CREDENTIALS },
    );
    apps.push(app);
    return { app, clientId: client.clientId };
  }

  const register = (app: AuthTestApp, email: string, pw = password) =>
    call(app.url, 'POST', '/v1/auth/register', { body: { email, password: pw, name: 'Ana' } });
  const login = (app: AuthTestApp, email: string, pw = password) =>
    call(app.url, 'POST', '/v1/auth/login', { body: { email, password: pw } });

  describe('with auto-confirm', () => {
    let app: AuthTestApp;
    let clientId: string;
    before(async () => {
      ({ app, clientId } = await startCognitoApp({ autoConfirm: true }));
    });

    it('registers through SignUp + AdminConfirmSignUp into the customer group, and logs in with USER_PASSWORD_AUTH', async () => {
      const email = uniqueEmail('cognito');
      const res = await register(app, email);
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ object: 'user', email, name: 'Ana' });
      expect(res.body.groups).to.deep.equal(['customer']);
      const user = await cognito.admin.send(
        new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: res.body.id }),
      );
      expect(user.UserStatus).to.equal('CONFIRMED');

      const tokens = await login(app, email);
      expect(tokens.status).to.equal(200);
      expect(tokens.body).to.include({ token_type: 'Bearer' });
      expect(tokens.body.expires_in).to.be.a('number').greaterThan(0);
      expect(tokens.body.refresh_token).to.match(/^mpc1\./);
      // The platform verifier every service uses accepts Cognito's tokens, fetching the pool's JWKS with jose.
      const verifier = createTokenVerifier({
        issuer: cognito.issuer,
        jwksUrl: `${cognito.issuer}/.well-known/jwks.json`,
        clientIds: [clientId],
      });
      const caller = await verifier.verify(tokens.body.access_token);
      expect(caller).to.include({ kind: 'user', sub: res.body.id, clientId });
      expect(caller.groups).to.deep.equal(['customer']);
      expect(decodeJwt(tokens.body.id_token)).to.include({ token_use: 'id', aud: clientId, email });
    });

    it('maps UsernameExistsException to 409 email_taken', async () => {
      const email = uniqueEmail('dup');
      await register(app, email);
      const res = await register(app, email);
      expect(res.status).to.equal(409);
      expect(res.body.error).to.include({ code: 'email_taken', param: 'email' });
    });

    it('refuses a weak password with 400 weak_password before calling Cognito', async () => {
      const email = uniqueEmail('weak');
      const res = await register(app, email, 'password1');
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('weak_password');
      expect((await login(app, email, 'password1')).status).to.equal(401);
    });

    it('maps a wrong password (NotAuthorizedException) to 401 invalid_credentials, and the lockout counts it', async () => {
      const email = uniqueEmail('wrong');
      await register(app, email);
      const statuses = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await login(app, email, 'Wrong-password-1')).status);
      expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429]);
    });

    it('refreshes with REFRESH_TOKEN_AUTH, and answers 401 invalid_refresh_token for a token Cognito does not know', async () => {
      const email = uniqueEmail('refresh');
      await register(app, email);
      const tokens = (await login(app, email)).body;
      const res = await call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: tokens.refresh_token } });
      expect(res.status).to.equal(200);
      expect(decodeJwt(res.body.access_token).sub).to.equal(decodeJwt(tokens.access_token).sub);
      const forged = tokens.refresh_token.replace(/\.[^.]+$/, '.forged');
      const bad = await call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: forged } });
      expect(bad.status).to.equal(401);
      expect(bad.body.error.code).to.equal('invalid_refresh_token');
      expect(
        (await call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: 'not-ours' } })).status,
      ).to.equal(401);
    });

    it('GET /v1/auth/me returns the caller from Cognito (GetUser, AdminGetUser, groups)', async () => {
      const email = uniqueEmail('me');
      const id = (await register(app, email)).body.id;
      const tokens = (await login(app, email)).body;
      const res = await call(app.url, 'GET', '/v1/auth/me', { token: tokens.access_token });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id, email, name: 'Ana' });
      expect(res.body.groups).to.deep.equal(['customer']);
    });

    it('logout with the refresh token revokes it (RevokeToken): refresh then answers 401', async () => {
      const email = uniqueEmail('revoke');
      await register(app, email);
      const tokens = (await login(app, email)).body;
      const res = await call(app.url, 'POST', '/v1/auth/logout', {
        token: tokens.access_token,
        body: { refresh_token: tokens.refresh_token },
      });
      expect(res.status).to.equal(204);
      expect(
        (await call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: tokens.refresh_token } })).status,
      ).to.equal(401);
    });

    it('logout without a refresh token signs out everywhere (GlobalSignOut): me and refresh answer 401', async () => {
      const email = uniqueEmail('global');
      await register(app, email);
      const tokens = (await login(app, email)).body;
      expect((await call(app.url, 'POST', '/v1/auth/logout', { token: tokens.access_token })).status).to.equal(204);
      const me = await call(app.url, 'GET', '/v1/auth/me', { token: tokens.access_token });
      expect(me.status).to.equal(401);
      expect(me.body.error.code).to.equal('invalid_token');
      expect(
        (await call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: tokens.refresh_token } })).status,
      ).to.equal(401);
    });

    /** A verifier as payment-service builds one: Cognito's keys, auth-service's revocation list. */
    const serviceVerifier = () =>
      createTokenVerifier({
        issuer: cognito.issuer,
        jwksUrl: `${cognito.issuer}/.well-known/jwks.json`,
        clientIds: [clientId],
        revocations: feed,
      });
    let feed: RevocationFeed;
    before(() => {
      feed = revocationFeed({ url: `${app.url}${REVOCATIONS_PATH}`, intervalMs: 60_000 });
    });
    after(() => feed?.stop());
    const refused = async (verifier: TokenVerifier, token: string) => {
      const error = await verifier.verify(token).catch((e: unknown) => e);
      expect(error, 'the token was accepted').to.be.instanceOf(AppError);
      expect((error as AppError).status).to.equal(401);
    };

    it("RevokeToken's session goes on the revocation list: every service refuses its access token, not other users'", async () => {
      const email = uniqueEmail('revoked-everywhere');
      await register(app, email);
      const one = (await login(app, email)).body;
      const bystander = uniqueEmail('bystander');
      await register(app, bystander);
      const other = (await login(app, bystander)).body;
      const verifier = serviceVerifier();
      await verifier.verify(one.access_token);
      const res = await call(app.url, 'POST', '/v1/auth/logout', {
        token: one.access_token,
        body: { refresh_token: one.refresh_token },
      });
      expect(res.status).to.equal(204);
      expect(await feed.refresh()).to.equal(true);
      await refused(verifier, one.access_token);
      expect((await call(app.url, 'GET', '/v1/auth/me', { token: one.access_token })).status).to.equal(401);
      await verifier.verify(other.access_token);
      // Cognito names the session in origin_jti; cognito-local's tokens lack it, so the user's tokens until now end.
      const claims = decodeJwt(one.access_token);
      const listed = (await call(app.url, 'GET', REVOCATIONS_PATH)).body.data as { type: string; id: string }[];
      const expected = claims.origin_jti
        ? { type: 'session', id: claims.origin_jti }
        : { type: 'user', id: claims.sub };
      expect(listed.find((e) => e.id === expected.id)).to.include(expected);
    });

    it("GlobalSignOut puts the user on the list: every service refuses all the user's tokens issued until then", async () => {
      const email = uniqueEmail('global-everywhere');
      await register(app, email);
      const one = (await login(app, email)).body;
      const two = (await login(app, email)).body;
      const bystander = uniqueEmail('bystander');
      await register(app, bystander);
      const other = (await login(app, bystander)).body;
      expect((await call(app.url, 'POST', '/v1/auth/logout', { token: one.access_token })).status).to.equal(204);
      expect(await feed.refresh()).to.equal(true);
      const verifier = serviceVerifier();
      await refused(verifier, one.access_token);
      await refused(verifier, two.access_token);
      await verifier.verify(other.access_token);
    });

    it('lets an admin change groups with AdminAddUserToGroup / AdminRemoveUserFromGroup; others get 403', async () => {
      const adminEmail = uniqueEmail('admin');
      const adminId = (await register(app, adminEmail)).body.id;
      await cognito.admin.send(
        new AdminAddUserToGroupCommand({ UserPoolId: cognito.userPoolId, Username: adminId, GroupName: 'admin' }),
      );
      const adminToken = (await login(app, adminEmail)).body.access_token;
      const email = uniqueEmail('member');
      const id = (await register(app, email)).body.id;
      const userToken = (await login(app, email)).body.access_token;

      const refused = await call(app.url, 'PUT', `/v1/auth/users/${id}/groups`, {
        token: userToken,
        body: { groups: ['admin'] },
      });
      expect(refused.status).to.equal(403);

      const res = await call(app.url, 'PUT', `/v1/auth/users/${id}/groups`, {
        token: adminToken,
        body: { groups: ['merchant'] },
      });
      expect(res.status).to.equal(200);
      expect(res.body.groups).to.deep.equal(['merchant']);
      const groups = await cognito.admin.send(
        new AdminListGroupsForUserCommand({ UserPoolId: cognito.userPoolId, Username: id }),
      );
      expect(groups.Groups!.map((g) => g.GroupName)).to.deep.equal(['merchant']);
      const missing = await call(app.url, 'PUT', '/v1/auth/users/00000000-0000-4000-8000-000000000000/groups', {
        token: adminToken,
        body: { groups: ['merchant'] },
      });
      expect(missing.status).to.equal(404);
    });

    it('maps TooManyRequestsException to 429 rate_limited with Retry-After', async () => {
      const throttling = cognito.throttle('InitiateAuth');
      const res = await login(app, uniqueEmail('throttled')).finally(() => throttling.off());
      expect(res.status).to.equal(429);
      expect(res.body.error.code).to.equal('rate_limited');
      expect(res.headers.get('retry-after')).to.equal('1');
    });

    it("does not serve the local issuer's JWKS or token endpoint (Cognito has its own)", async () => {
      expect((await call(app.url, 'GET', '/.well-known/jwks.json')).status).to.equal(404);
      expect((await call(app.url, 'POST', '/oauth2/token')).status).to.equal(404);
    });
  });

  describe('with confirmation required', () => {
    let app: AuthTestApp;
    before(async () => {
      ({ app } = await startCognitoApp({ autoConfirm: false }));
    });

    it('refuses login before confirmation with 403 user_not_confirmed, then confirms with the emailed code (ConfirmSignUp)', async () => {
      const email = uniqueEmail('confirm');
      expect((await register(app, email)).status).to.equal(201);
      const early = await login(app, email);
      expect(early.status).to.equal(403);
      expect(early.body.error.code).to.equal('user_not_confirmed');

      const wrong = await call(app.url, 'POST', '/v1/auth/confirm', { body: { email, code: '000000x' } });
      expect(wrong.status).to.equal(400);
      expect(wrong.body.error).to.include({ code: 'invalid_confirmation_code', param: 'code' });

      const code = await cognito.confirmationCode(email);
      expect((await call(app.url, 'POST', '/v1/auth/confirm', { body: { email, code } })).status).to.equal(204);
      expect((await login(app, email)).status).to.equal(200);

      // An email with no sign-up gets the same answer as a wrong code: confirm reveals no accounts.
      const nobody = await call(app.url, 'POST', '/v1/auth/confirm', { body: { email: uniqueEmail('nobody'), code } });
      expect(nobody.status).to.equal(400);
      expect(nobody.body.error).to.include({
        code: 'invalid_confirmation_code',
        param: 'code',
        message: wrong.body.error.message,
      });
    });
  });

  describe('with an app client that has a secret', () => {
    it('sends SECRET_HASH on login and refresh, so the right secret works', async () => {
      const { app } = await startCognitoApp({ autoConfirm: true, secret: 'right' });
      const email = uniqueEmail('secret');
      await register(app, email);
      const tokens = await login(app, email);
      expect(tokens.status).to.equal(200);
      expect(
        (await call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: tokens.body.refresh_token } }))
          .status,
      ).to.equal(200);
    });

    it('and a wrong secret is refused', async () => {
      const { app } = await startCognitoApp({ autoConfirm: true, secret: 'wrong' });
      const email = uniqueEmail('badsecret');
      await register(app, email);
      expect((await login(app, email)).status).to.equal(401);
    });
  });
});
