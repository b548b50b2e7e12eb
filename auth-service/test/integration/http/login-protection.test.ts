import { expect } from 'chai';
import sinon from 'sinon';
import { createHash } from 'node:crypto';
import { call } from '@micropay/platform/testing';
import { registerAndLogin, startAuthTestApp, uniqueEmail, type AuthTestApp } from '../../support/auth-test-app';

describe('auth-service brute-force protection', () => {
  describe('lockout after LOGIN_MAX_FAILURES failed logins', () => {
    let app: AuthTestApp;
    before(async function () {
      this.timeout(60_000);
      app = await startAuthTestApp({
        LOGIN_MAX_FAILURES: '3',
        LOGIN_LOCKOUT_SECONDS: '30',
        LOGIN_LOCKOUT_MAX_SECONDS: '100',
      });
    });
    after(() => app?.close());

    const login = (email: string, password: string) =>
      call(app.url, 'POST', '/v1/auth/login', { body: { email, password } });
    const keyOf = (email: string) => createHash('sha256').update(email.toLowerCase()).digest('hex');

    it('locks the email after the limit, refusing even the right password with 429 login_locked and Retry-After', async () => {
      const user = await registerAndLogin(app.url);
      for (let i = 0; i < 3; i += 1) expect((await login(user.email, 'wrong password!')).status).to.equal(401);
      const locked = await login(user.email, user.password);
      expect(locked.status).to.equal(429);
      expect(locked.body.error.code).to.equal('login_locked');
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).to.be.within(1, 30);
      expect(locked.body).not.to.have.property('access_token');
    });

    it('lets only the limit of parallel guesses reach the password check; the rest are refused as locked', async () => {
      const user = await registerAndLogin(app.url);
      const answers = await Promise.all(Array.from({ length: 30 }, () => login(user.email, 'wrong password!')));
      const statuses = answers.map((r) => r.status).sort();
      expect(
        statuses.filter((s) => s === 401),
        'checked and wrong',
      ).to.have.length(3);
      expect(
        statuses.filter((s) => s === 429),
        'refused unchecked',
      ).to.have.length(27);
      expect((await login(user.email, user.password)).status).to.equal(429);
    });

    it('does not count an attempt the identity provider could not judge', async () => {
      const user = await registerAndLogin(app.url);
      const down = sinon.stub(app.deps.identity, 'login').rejects(new Error('provider unreachable'));
      try {
        for (let i = 0; i < 5; i += 1) expect((await login(user.email, 'wrong password!')).status).to.equal(500);
      } finally {
        down.restore();
      }
      expect(
        (
          await app.db
            .knex('login_attempts')
            .where({ key: keyOf(user.email) })
            .first()
        )?.failures ?? 0,
      ).to.equal(0);
      expect((await login(user.email, user.password)).status).to.equal(200);
    });

    it('answers an unknown email exactly like a registered one, so a lock reveals nothing', async () => {
      const user = await registerAndLogin(app.url);
      const nobody = uniqueEmail('nobody');
      const answers = [];
      for (const email of [user.email, nobody]) {
        const sequence = [];
        for (let i = 0; i < 4; i += 1) {
          const res = await login(email, 'wrong password!');
          sequence.push([res.status, res.body.error.code, res.body.error.message]);
        }
        answers.push(sequence);
      }
      expect(answers[0]).to.deep.equal(answers[1]);
      expect(answers[0]!.at(-1)).to.deep.equal([429, 'login_locked', 'Too many failed logins; try again later.']);
    });

    it('doubles the lock with each failure after it, up to the maximum', async () => {
      const email = uniqueEmail('doubling');
      for (let i = 0; i < 3; i += 1) await login(email, 'wrong password!');
      const seen = [];
      for (let i = 0; i < 3; i += 1) {
        // Let the lock run out (in the database, not by waiting) and fail once more.
        await app.db
          .knex('login_attempts')
          .where({ key: keyOf(email) })
          .update({ locked_until: null });
        await login(email, 'wrong password!');
        seen.push(
          (
            await app.db
              .knex('login_attempts')
              .where({ key: keyOf(email) })
              .first()
          ).locked_until.getTime() - Date.now(),
        );
      }
      const seconds = seen.map((ms) => Math.round(ms / 1000));
      expect(seconds[0]).to.be.within(55, 60);
      expect(seconds[1]).to.be.within(95, 100);
      expect(seconds[2]).to.be.within(95, 100);
    });

    it('stores only a hash of the email and forgets the failures after a successful login', async () => {
      const user = await registerAndLogin(app.url);
      await login(user.email, 'wrong password!');
      const rows = await app.db.knex('login_attempts').where({ key: keyOf(user.email) });
      expect(rows).to.have.length(1);
      expect(JSON.stringify(await app.db.knex('login_attempts'))).not.to.contain(user.email);
      expect((await login(user.email, user.password)).status).to.equal(200);
      expect(await app.db.knex('login_attempts').where({ key: keyOf(user.email) })).to.have.length(0);
    });
  });

  describe('per-IP rate limit on /v1/auth/*', () => {
    let app: AuthTestApp;
    before(async function () {
      this.timeout(60_000);
      app = await startAuthTestApp({ AUTH_RATE_LIMIT_MAX: '3', AUTH_RATE_LIMIT_WINDOW_SECONDS: '600' });
    });
    after(() => app?.close());

    it('answers 429 rate_limited with Retry-After once the client exceeds the limit, and registers no one', async () => {
      const statuses = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push(
          (await call(app.url, 'POST', '/v1/auth/login', { body: { email: uniqueEmail(), password: 'whatever-pass' } }))
            .status,
        );
      expect(statuses).to.deep.equal([401, 401, 401]);
      const email = uniqueEmail('limited');
      const res = await call(app.url, 'POST', '/v1/auth/register', { body: { email, password: 'a-long-passphrase' } });
      expect(res.status).to.equal(429);
      expect(res.body.error.code).to.equal('rate_limited');
      expect(Number(res.headers.get('retry-after'))).to.be.within(1, 600);
      expect(await app.db.knex('users').where({ email })).to.have.length(0);
    });

    it('cannot be bypassed by rotating X-Forwarded-For: only the configured proxies are believed', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await call(app.url, 'POST', '/v1/auth/refresh', {
          body: { refresh_token: 'not-a-token' },
          headers: { 'x-forwarded-for': `203.0.113.${i + 10}, 10.0.0.1` },
        });
        statuses.push(res.status);
      }
      expect(statuses.slice(-3)).to.deep.equal([429, 429, 429]);
    });

    it('does not limit the discovery endpoints other services poll', async () => {
      for (let i = 0; i < 5; i += 1)
        expect((await call(app.url, 'GET', '/.well-known/jwks.json')).status).to.equal(200);
    });

    it('documents 429 rate_limited and its Retry-After on every /v1/auth route in /openapi.json, and only there', async () => {
      const doc = (await call(app.url, 'GET', '/openapi.json')).body as {
        paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      };
      const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ at: `${method} ${path}`, path, op })),
      );
      const limited = operations.filter((o) => o.path.startsWith('/v1/auth/'));
      expect(limited.map((o) => o.at)).to.include.members([
        'post /v1/auth/register',
        'post /v1/auth/login',
        'post /v1/auth/refresh',
        'get /v1/auth/me',
      ]);
      for (const { at, op } of limited) {
        const tooMany = JSON.stringify(op.responses['429']);
        expect(tooMany, at).to.include('rate_limited');
        expect(tooMany, at).to.include('Retry-After');
      }
      for (const { at, op } of operations.filter((o) => !o.path.startsWith('/v1/auth/'))) {
        expect(JSON.stringify(op.responses['429'] ?? ''), at).not.to.include('rate_limited');
      }
    });
  });
});
