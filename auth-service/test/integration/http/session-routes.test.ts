import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { call } from '@micropay/platform/testing';
import { registerAndLogin, startAuthTestApp, type AuthTestApp } from '../../support/auth-test-app';

describe('auth-service sessions: refresh, logout, me, groups', () => {
  let app: AuthTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startAuthTestApp();
  });
  after(() => app?.close());

  const refresh = (refresh_token: string) => call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token } });
  const session = async (id: string) => app.db.knex('sessions').where({ id }).first();

  describe('POST /v1/auth/refresh', () => {
    it('returns new tokens and a new refresh token in the same session, keeping its fixed lifetime', async () => {
      const { tokens, userId } = await registerAndLogin(app.url);
      const res = await refresh(tokens.refresh_token);
      expect(res.status).to.equal(200);
      expect(res.headers.get('cache-control')).to.equal('no-store');
      expect(res.body.refresh_token).not.to.equal(tokens.refresh_token);
      const caller = await app.verifier().verify(res.body.access_token);
      expect(caller.sub).to.equal(userId);
      const sessionId = decodeJwt(tokens.access_token).origin_jti as string;
      expect(decodeJwt(res.body.access_token).origin_jti).to.equal(sessionId);
      expect(decodeJwt(res.body.access_token).auth_time).to.equal(decodeJwt(tokens.access_token).auth_time);
      const family = await app.db.knex('refresh_tokens').where({ family_id: sessionId }).orderBy('created_at');
      expect(family).to.have.length(2);
      expect(new Set(family.map((t) => new Date(t.expires_at).getTime())).size).to.equal(1);
      expect(new Date(family[0].expires_at).getTime()).to.equal(
        new Date((await session(sessionId)).expires_at).getTime(),
      );
    });

    it('when a rotated refresh token is presented again, answers 401 and revokes the whole session', async () => {
      const { tokens } = await registerAndLogin(app.url);
      const first = await refresh(tokens.refresh_token);
      const replay = await refresh(tokens.refresh_token);
      expect(replay.status).to.equal(401);
      expect(replay.body.error).to.include({ code: 'invalid_refresh_token', param: 'refresh_token' });
      // The legitimate successor dies with the session: the thief and the user both have to log in again.
      const successor = await refresh(first.body.refresh_token);
      expect(successor.status).to.equal(401);
      const row = await session(decodeJwt(tokens.access_token).origin_jti as string);
      expect(row.revoked_reason).to.equal('refresh_token_reuse');
      expect(row.revoked_at).to.be.instanceOf(Date);
    });

    it('when the same refresh token is sent twice at once, at most one gets tokens and the session is revoked as a reuse', async () => {
      const { tokens } = await registerAndLogin(app.url);
      const sessionId = decodeJwt(tokens.access_token).origin_jti as string;
      const results = await Promise.all([refresh(tokens.refresh_token), refresh(tokens.refresh_token)]);
      const winners = results.filter((r) => r.status === 200);
      expect(winners.length).to.be.at.most(1);
      for (const loser of results.filter((r) => r.status !== 200)) {
        expect(loser.status).to.equal(401);
        expect(loser.body.error).to.include({ code: 'invalid_refresh_token', param: 'refresh_token' });
      }
      // ADR 0003: a second use of one token is a replay even when it races the first, so the
      // session ends; the winner's new tokens die with it.
      const row = await session(sessionId);
      expect(row.revoked_reason).to.equal('refresh_token_reuse');
      for (const winner of winners) {
        expect((await refresh(winner.body.refresh_token)).status).to.equal(401);
        expect((await call(app.url, 'GET', '/v1/auth/me', { token: winner.body.access_token })).status).to.equal(401);
      }
      expect(
        await app.db
          .knex('refresh_tokens')
          .where({ family_id: sessionId })
          .whereNull('revoked_at')
          .count({ n: '*' })
          .first(),
      ).to.deep.equal({ n: 0 });
    });

    it('answers 401 for an unknown refresh token and for one whose session has reached its lifetime', async () => {
      expect((await refresh('A'.repeat(43))).status).to.equal(401);
      const { tokens } = await registerAndLogin(app.url);
      await app.db
        .knex('sessions')
        .where({ id: decodeJwt(tokens.access_token).origin_jti as string })
        .update({ expires_at: new Date(Date.now() - 1000) });
      const res = await refresh(tokens.refresh_token);
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('invalid_refresh_token');
    });

    it('answers 400 naming refresh_token when it is missing, and 400 for unknown fields', async () => {
      const missing = await call(app.url, 'POST', '/v1/auth/refresh', { body: {} });
      expect(missing.status).to.equal(400);
      expect(missing.body.error).to.include({ code: 'parameter_missing', param: 'refresh_token' });
      const unknown = await call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: 'x', scope: 'admin' } });
      expect(unknown.body.error).to.include({ code: 'parameter_unknown', param: 'scope' });
    });
  });

  describe('POST /v1/auth/logout', () => {
    it('answers 204 and ends the session: its refresh token and access token stop working', async () => {
      const { tokens } = await registerAndLogin(app.url);
      const res = await call(app.url, 'POST', '/v1/auth/logout', { token: tokens.access_token });
      expect(res.status).to.equal(204);
      expect((await refresh(tokens.refresh_token)).status).to.equal(401);
      const me = await call(app.url, 'GET', '/v1/auth/me', { token: tokens.access_token });
      expect(me.status).to.equal(401);
      expect(me.body.error.code).to.equal('invalid_token');
      expect((await session(decodeJwt(tokens.access_token).origin_jti as string)).revoked_reason).to.equal('logout');
    });

    it("leaves the user's other sessions alone", async () => {
      const { email, password, tokens } = await registerAndLogin(app.url);
      const other = await call(app.url, 'POST', '/v1/auth/login', { body: { email, password } });
      await call(app.url, 'POST', '/v1/auth/logout', { token: tokens.access_token });
      expect((await refresh(other.body.refresh_token)).status).to.equal(200);
    });

    it('answers 401 without a token', async () => {
      const res = await call(app.url, 'POST', '/v1/auth/logout');
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('authentication_required');
    });
  });

  describe('GET /v1/auth/me', () => {
    it('returns the caller', async () => {
      const { tokens, userId, email } = await registerAndLogin(app.url);
      const res = await call(app.url, 'GET', '/v1/auth/me', { token: tokens.access_token });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id: userId, object: 'user', email });
      expect(res.body.groups).to.deep.equal(['customer']);
    });

    it('answers 403 to a client-credentials token (users only)', async () => {
      const basic = `Basic ${Buffer.from('payment-service:' + 'p'.repeat(40)).toString('base64')}`;
      const token = await call(app.url, 'POST', '/oauth2/token', {
        rawBody: 'grant_type=client_credentials',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      });
      const res = await call(app.url, 'GET', '/v1/auth/me', { token: token.body.access_token });
      expect(res.status).to.equal(403);
    });
  });

  describe('PUT /v1/auth/users/{id}/groups', () => {
    let adminToken: string;
    before(async () => {
      const admin = await registerAndLogin(app.url, { label: 'admin' });
      await app.db
        .knex('users')
        .where({ id: admin.userId })
        .update({ groups: ['customer', 'admin'] });
      adminToken = (
        await call(app.url, 'POST', '/v1/auth/login', { body: { email: admin.email, password: admin.password } })
      ).body.access_token;
    });
    const setGroups = (id: string, body: unknown, token: string) =>
      call(app.url, 'PUT', `/v1/auth/users/${id}/groups`, { token, body });

    it("lets an admin replace a user's groups; the next refresh carries them as cognito:groups", async () => {
      const user = await registerAndLogin(app.url);
      const res = await setGroups(user.userId, { groups: ['customer', 'merchant'] }, adminToken);
      expect(res.status).to.equal(200);
      expect(res.body.groups).to.deep.equal(['customer', 'merchant']);
      const refreshed = await refresh(user.tokens.refresh_token);
      expect(decodeJwt(refreshed.body.access_token)['cognito:groups']).to.deep.equal(['customer', 'merchant']);
    });

    it('answers 403 to a user who is not an admin, and changes nothing', async () => {
      const user = await registerAndLogin(app.url);
      const res = await setGroups(user.userId, { groups: ['admin'] }, user.tokens.access_token);
      expect(res.status).to.equal(403);
      expect((await app.db.knex('users').where({ id: user.userId }).first()).groups).to.deep.equal(['customer']);
    });

    it('answers 404 for an unknown user and 400 naming the field for an unknown or repeated group', async () => {
      expect((await setGroups('usr_nobody', { groups: ['customer'] }, adminToken)).status).to.equal(404);
      const user = await registerAndLogin(app.url);
      for (const groups of [['root'], ['customer', 'customer'], 'admin']) {
        const res = await setGroups(user.userId, { groups }, adminToken);
        expect(res.status, JSON.stringify(groups)).to.equal(400);
        expect(res.body.error.param).to.match(/^groups/);
      }
      expect((await app.db.knex('users').where({ id: user.userId }).first()).groups).to.deep.equal(['customer']);
    });
  });
});
