import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { call } from '@micropay/platform/testing';
import { authCleanupJob, cleanUpOnce } from '../../../src/jobs/cleanup-job';
import { loadConfig } from '@micropay/platform';
import { configSchema } from '../../../src/config';
import { registerAndLogin, startAuthTestApp, uniqueEmail, type AuthTestApp } from '../../support/auth-test-app';

const HOUR = 3600_000;
const emailKey = (email: string) => createHash('sha256').update(email.toLowerCase()).digest('hex');

describe('auth-service cleanup of ended sessions and stale login attempts', () => {
  let app: AuthTestApp;
  before(async function () {
    this.timeout(60_000);
    // LOGIN_LOCKOUT_MAX_SECONDS 900: failure counts are forgotten after 30 minutes without a failure.
    app = await startAuthTestApp({ LOGIN_LOCKOUT_MAX_SECONDS: '900' });
  });
  after(() => app?.close());

  const sessionOf = (tokens: { access_token: string }) => decodeJwt(tokens.access_token).origin_jti as string;
  const ago = (ms: number) => new Date(Date.now() - ms);
  const refreshTokens = (sessionId: string) => app.db.knex('refresh_tokens').where({ family_id: sessionId });
  async function failedLogin(email: string) {
    expect(
      (await call(app.url, 'POST', '/v1/auth/login', { body: { email, password: 'not the password' } })).status,
    ).to.equal(401);
  }

  it('deletes sessions past their lifetime with their refresh tokens, and keeps live and merely revoked ones', async () => {
    const ended = await registerAndLogin(app.url);
    const live = await registerAndLogin(app.url);
    const loggedOut = await registerAndLogin(app.url);
    expect(
      (await call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: ended.tokens.refresh_token } })).status,
    ).to.equal(200);
    expect((await call(app.url, 'POST', '/v1/auth/logout', { token: loggedOut.tokens.access_token })).status).to.equal(
      204,
    );
    await app.db
      .knex('sessions')
      .where({ id: sessionOf(ended.tokens) })
      .update({ expires_at: ago(1000) });
    expect(await refreshTokens(sessionOf(ended.tokens))).to.have.length(2);

    const removed = await cleanUpOnce(app.deps);

    expect(removed.sessions).to.be.at.least(1);
    expect(await app.db.knex('sessions').where({ id: sessionOf(ended.tokens) })).to.have.length(0);
    expect(await refreshTokens(sessionOf(ended.tokens))).to.have.length(0);
    // Still there: the live session works, and the logout stays on record until the session's lifetime is over.
    expect(
      (await call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: live.tokens.refresh_token } })).status,
    ).to.equal(200);
    expect(
      (
        await app.db
          .knex('sessions')
          .where({ id: sessionOf(loggedOut.tokens) })
          .first()
      ).revoked_reason,
    ).to.equal('logout');
    // The deleted session's refresh token is refused exactly as before.
    expect(
      (await call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: ended.tokens.refresh_token } })).status,
    ).to.equal(401);
  });

  it('forgets failed-login counts no longer in the lockout window, but never a current lock or a recent count', async () => {
    const [stale, recent, locked] = [uniqueEmail('stale'), uniqueEmail('recent'), uniqueEmail('locked')];
    for (const email of [stale, recent, locked]) await failedLogin(email);
    await app.db
      .knex('login_attempts')
      .where({ key: emailKey(stale) })
      .update({ last_failure_at: ago(HOUR) });
    await app.db
      .knex('login_attempts')
      .where({ key: emailKey(locked) })
      .update({ last_failure_at: ago(HOUR), locked_until: new Date(Date.now() + HOUR) });

    const removed = await cleanUpOnce(app.deps);

    expect(removed.loginAttempts).to.be.at.least(1);
    const left = (
      await app.db.knex('login_attempts').whereIn('key', [stale, recent, locked].map(emailKey)).select('key')
    ).map((r) => r.key);
    expect(left).to.have.members([emailKey(recent), emailKey(locked)]);
  });

  it('deletes revocations whose tokens have all expired, and keeps the others listed', async () => {
    const old = await registerAndLogin(app.url);
    const recent = await registerAndLogin(app.url);
    for (const who of [old, recent])
      expect((await call(app.url, 'POST', '/v1/auth/logout', { token: who.tokens.access_token })).status).to.equal(204);
    await app.db
      .knex('revocations')
      .where({ type: 'session', subject: sessionOf(old.tokens) })
      .update({ expires_at: ago(1000) });

    const removed = await cleanUpOnce(app.deps);

    expect(removed.revocations).to.be.at.least(1);
    const listed = (await call(app.url, 'GET', '/internal/revocations')).body.data.map((e: { id: string }) => e.id);
    expect(listed).to.include(sessionOf(recent.tokens)).and.not.include(sessionOf(old.tokens));
    expect(await app.db.knex('revocations').where({ subject: sessionOf(old.tokens) })).to.have.length(0);
  });

  it('runs periodically, a batch at a time, until nothing is left', async () => {
    const users = await Promise.all([0, 1, 2].map(() => registerAndLogin(app.url)));
    const ids = users.map((u) => sessionOf(u.tokens));
    await app.db
      .knex('sessions')
      .whereIn('id', ids)
      .update({ expires_at: ago(1000) });
    const job = authCleanupJob(app.deps, 50, 1);
    job.start();
    try {
      const deadline = Date.now() + 10_000;
      while ((await app.db.knex('sessions').whereIn('id', ids)).length > 0) {
        if (Date.now() > deadline) throw new Error('the cleanup job did not delete the ended sessions');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await job.stop();
    }
  });

  it('is on by default every hour, and AUTH_CLEANUP_INTERVAL_SECONDS=0 turns it off', () => {
    expect(loadConfig(configSchema, {}).cleanupIntervalSeconds).to.equal(3600);
    expect(loadConfig(configSchema, { AUTH_CLEANUP_INTERVAL_SECONDS: '0' }).cleanupIntervalSeconds).to.equal(0);
    expect(() => loadConfig(configSchema, { AUTH_CLEANUP_INTERVAL_SECONDS: '-1' })).to.throw();
  });
});
