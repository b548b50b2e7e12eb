import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { AppError, createTokenVerifier, revocationFeed, RevocationPage, REVOCATIONS_PATH } from '@micropay/platform';
import { call } from '@micropay/platform/testing';
import { registerAndLogin, startAuthTestApp, TEST_ISSUER, type AuthTestApp } from '../../support/auth-test-app';

describe('auth-service revocation list: GET /internal/revocations (ADR 0009)', () => {
  let app: AuthTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startAuthTestApp();
  });
  after(() => app?.close());

  const list = async (since?: string) => {
    const res = await call(app.url, 'GET', since ? `${REVOCATIONS_PATH}?since=${since}` : REVOCATIONS_PATH);
    expect(res.status).to.equal(200);
    return RevocationPage.parse(res.body);
  };
  const sessionOf = (token: string) => decodeJwt(token).origin_jti as string;
  const logout = (token: string) => call(app.url, 'POST', '/v1/auth/logout', { token });

  it('lists a logged-out session, with an expiry after the access token could last, and not a live one', async () => {
    const out = await registerAndLogin(app.url);
    const live = await registerAndLogin(app.url);
    expect((await logout(out.tokens.access_token)).status).to.equal(204);
    const page = await list();
    const entry = page.data.find((e) => e.id === sessionOf(out.tokens.access_token));
    expect(entry).to.include({ type: 'session', issued_before: null });
    expect(entry!.expires_at).to.be.at.least(decodeJwt(out.tokens.access_token).exp!);
    expect(page.data.map((e) => e.id)).not.to.include(sessionOf(live.tokens.access_token));
  });

  it('lists a session revoked for a refresh-token replay', async () => {
    const { tokens } = await registerAndLogin(app.url);
    const refresh = (refresh_token: string) => call(app.url, 'POST', '/v1/auth/refresh', { body: { refresh_token } });
    expect((await refresh(tokens.refresh_token)).status).to.equal(200);
    expect((await refresh(tokens.refresh_token)).status).to.equal(401);
    expect((await list()).data.map((e) => e.id)).to.include(sessionOf(tokens.access_token));
  });

  it('answers what changed since a cursor, and a repeated logout changes nothing', async () => {
    const before = await registerAndLogin(app.url);
    await logout(before.tokens.access_token);
    const { cursor } = await list();
    const after = await registerAndLogin(app.url);
    await logout(after.tokens.access_token);
    expect((await logout(after.tokens.access_token)).status).to.equal(401);
    const page = await list(cursor);
    expect(page.data.filter((e) => e.id === sessionOf(after.tokens.access_token))).to.have.length(1);
    expect(Number(page.cursor)).to.be.at.least(Number(cursor));
  });

  it('refuses a cursor it did not hand out with 400 naming since', async () => {
    for (const since of ['abc', '-1', '1e9']) {
      const res = await call(app.url, 'GET', `${REVOCATIONS_PATH}?since=${since}`);
      expect(res.status).to.equal(400);
      expect(res.body.error).to.include({ param: 'since' });
    }
  });

  it("another service's verifier, polling the list, refuses the logged-out session and keeps the others", async () => {
    const out = await registerAndLogin(app.url);
    const other = await registerAndLogin(app.url);
    const feed = revocationFeed({ url: `${app.url}${REVOCATIONS_PATH}`, intervalMs: 60_000 });
    try {
      const verifier = createTokenVerifier({
        issuer: TEST_ISSUER,
        jwksUrl: `${app.url}/.well-known/jwks.json`,
        revocations: feed,
      });
      expect((await verifier.verify(out.tokens.access_token)).sub).to.equal(out.userId);
      await logout(out.tokens.access_token);
      expect(await feed.refresh()).to.equal(true);
      const error = await verifier.verify(out.tokens.access_token).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(AppError);
      expect((error as AppError).status).to.equal(401);
      expect((await verifier.verify(other.tokens.access_token)).sub).to.equal(other.userId);
    } finally {
      feed.stop();
    }
  });
});
