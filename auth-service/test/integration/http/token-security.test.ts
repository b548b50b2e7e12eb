import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { decodeJwt, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { auth, createServiceApp, createTokenVerifier, defineRoute, Lifecycle, Metrics } from '@micropay/platform';
import { call, listen, testLogger, type Listening } from '@micropay/platform/testing';
import {
  EVENTS_CLIENT,
  PAYMENT_CLIENT,
  registerAndLogin,
  startAuthTestApp,
  TEST_ISSUER,
  type AuthTestApp,
} from '../../support/auth-test-app';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The forgeries and replays an attacker would try against the real auth-service. Each one is
 * aimed at the admin-only groups endpoint (which would make the victim an admin) and must fail
 * closed with 401 and change nothing.
 */
describe('auth-service token security: every forgery fails closed', () => {
  let app: AuthTestApp;
  let victim: Awaited<ReturnType<typeof registerAndLogin>>;
  let realKey: { kid: string; privateKey: CryptoKey };

  before(async function () {
    this.timeout(60_000);
    app = await startAuthTestApp();
    victim = await registerAndLogin(app.url, { label: 'victim' });
    realKey = await app.deps.local!.keys.active();
  });
  after(() => app?.close());

  const claims = (overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      sub: victim.userId,
      username: victim.userId,
      client_id: 'micropay-local',
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      'cognito:groups': ['customer', 'admin'],
      iss: TEST_ISSUER,
      iat: now,
      exp: now + 300,
      jti: randomUUID(),
      origin_jti: decodeJwt(victim.tokens.access_token).origin_jti,
      ...overrides,
    };
  };
  const sign = (payload: Record<string, unknown>, key = realKey.privateKey, kid = realKey.kid) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);

  async function expectRefusedAndNothingChanged(token: string) {
    const res = await call(app.url, 'PUT', `/v1/auth/users/${victim.userId}/groups`, {
      token,
      body: { groups: ['customer', 'admin'] },
    });
    expect(res.status).to.equal(401);
    expect(res.body.error.type).to.equal('authentication_error');
    expect((await app.db.knex('users').where({ id: victim.userId }).first()).groups).to.deep.equal(['customer']);
    const me = await call(app.url, 'GET', '/v1/auth/me', { token });
    expect(me.status).to.equal(401);
  }

  it('a control: the same request with a real admin token succeeds (so the refusals below are about the token)', async () => {
    const admin = await registerAndLogin(app.url, { label: 'admin' });
    await app.db
      .knex('users')
      .where({ id: admin.userId })
      .update({ groups: ['admin'] });
    const token = (
      await call(app.url, 'POST', '/v1/auth/login', { body: { email: admin.email, password: admin.password } })
    ).body.access_token;
    const someone = await registerAndLogin(app.url);
    const res = await call(app.url, 'PUT', `/v1/auth/users/${someone.userId}/groups`, {
      token,
      body: { groups: ['merchant'] },
    });
    expect(res.status).to.equal(200);
    // ...and a token forged the way the tests below do it, signed with the real key, is accepted: the forgeries differ in one respect each.
    expect((await call(app.url, 'GET', '/v1/auth/me', { token: await sign(claims()) })).status).to.equal(200);
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefusedAndNothingChanged(await sign(claims({ iat: now - 3600, exp: now - 600 })));
  });

  it('refuses alg: none', async () => {
    await expectRefusedAndNothingChanged(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`);
  });

  it("refuses HS256 signed with the issuer's public key as the HMAC secret", async () => {
    const jwks = (await call(app.url, 'GET', '/.well-known/jwks.json')).body.keys;
    const pem = createPublicKey({ key: jwks[0], format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: realKey.kid });
    const payload = b64(claims());
    const signature = createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url');
    await expectRefusedAndNothingChanged(`${header}.${payload}.${signature}`);
  });

  it('refuses a token signed by another key under an unknown kid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    await expectRefusedAndNothingChanged(await sign(claims(), privateKey, 'attacker-key'));
  });

  it('refuses a token signed by another key under the real kid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    await expectRefusedAndNothingChanged(await sign(claims(), privateKey));
  });

  it('refuses a wrong issuer, even signed with the real key', async () => {
    await expectRefusedAndNothingChanged(await sign(claims({ iss: 'https://evil.example' })));
  });

  it('refuses an id token used as an access token', async () => {
    await expectRefusedAndNothingChanged(victim.tokens.id_token);
  });

  it('refuses a real access token whose payload was edited to add the admin group', async () => {
    const [header, payload, signature] = victim.tokens.access_token.split('.') as [string, string, string];
    const edited = {
      ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
      'cognito:groups': ['customer', 'admin'],
    };
    await expectRefusedAndNothingChanged(`${header}.${b64(edited)}.${signature}`);
  });

  it('refuses a refresh token replayed after rotation, and the session it belonged to', async () => {
    const user = await registerAndLogin(app.url);
    const rotated = await call(app.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: user.tokens.refresh_token },
    });
    expect(rotated.status).to.equal(200);
    const tokensBefore = await app.db.knex('refresh_tokens').count<{ c: number }[]>('* as c');
    const replay = await call(app.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: user.tokens.refresh_token },
    });
    expect(replay.status).to.equal(401);
    expect(replay.body.error.code).to.equal('invalid_refresh_token');
    expect(await app.db.knex('refresh_tokens').count<{ c: number }[]>('* as c')).to.deep.equal(tokensBefore);
    expect((await call(app.url, 'GET', '/v1/auth/me', { token: rotated.body.access_token })).status).to.equal(401);
  });

  it('refuses the refresh token of a logged-out session at /v1/auth/refresh, issuing nothing', async () => {
    const user = await registerAndLogin(app.url);
    expect((await call(app.url, 'POST', '/v1/auth/logout', { token: user.tokens.access_token })).status).to.equal(204);
    const tokensBefore = await app.db.knex('refresh_tokens').count<{ c: number }[]>('* as c');
    const res = await call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: user.tokens.refresh_token } });
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('invalid_refresh_token');
    expect(await app.db.knex('refresh_tokens').count<{ c: number }[]>('* as c')).to.deep.equal(tokensBefore);
  });

  describe('a client-credentials token at an internal endpoint of another service', () => {
    let peer: Listening;
    let calls = 0;
    before(async () => {
      // A service built on the platform like the real ones, with one internal route needing ledger:write.
      const route = defineRoute({
        method: 'post',
        path: '/internal/ledger-write',
        operationId: 'ledgerWrite',
        summary: 'test route',
        tags: ['test'],
        auth: auth.client('ledger:write'),
        responses: { 204: { description: 'done' } },
        async handler() {
          calls += 1;
          return { status: 204 };
        },
      });
      peer = await listen(
        createServiceApp({
          service: 'peer',
          logger: testLogger('peer'),
          metrics: new Metrics('peer', { defaultMetrics: false }),
          lifecycle: new Lifecycle(),
          readinessCheck: async () => undefined,
          openapi: { title: 'peer', version: '1', description: 'test' },
          routes: [route],
          verifier: createTokenVerifier({ issuer: TEST_ISSUER, jwksUrl: `${app.url}/.well-known/jwks.json` }),
        }),
      );
    });
    after(() => peer?.close());

    const clientToken = async (client: { client_id: string; client_secret: string }) => {
      const res = await call(app.url, 'POST', '/oauth2/token', {
        rawBody: 'grant_type=client_credentials',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
      });
      return res.body.access_token as string;
    };

    it('answers 403 insufficient_scope when the token lacks the scope, without running the handler', async () => {
      const res = await call(peer.url, 'POST', '/internal/ledger-write', { token: await clientToken(EVENTS_CLIENT) });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('insufficient_scope');
      expect(calls).to.equal(0);
    });

    it('runs it for a client holding the scope (the control)', async () => {
      const res = await call(peer.url, 'POST', '/internal/ledger-write', { token: await clientToken(PAYMENT_CLIENT) });
      expect(res.status).to.equal(204);
      expect(calls).to.equal(1);
    });
  });
});
