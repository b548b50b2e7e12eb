import { expect } from 'chai';
import { decodeProtectedHeader } from 'jose';
import sinon from 'sinon';
import { call } from '@micropay/platform/testing';
import { SigningKeyRepository } from '../../../src/data/signing-key-repository';
import { NEW_KEY_LEAD_SECONDS, SigningKeys } from '../../../src/domain/signing-keys';
import { registerAndLogin, startAuthTestApp, type AuthTestApp } from '../../support/auth-test-app';

describe('signing key rotation', () => {
  let app: AuthTestApp;
  let clock: number;
  before(async function () {
    this.timeout(60_000);
    clock = Date.now();
    // A one-day rotation period and a controllable clock: no test waits for real time to pass.
    app = await startAuthTestApp({ SIGNING_KEY_ROTATION_SECONDS: String(24 * 3600) }, { now: () => clock });
  });
  after(() => app?.close());

  it('after the rotation period publishes a new kid, signs with it a minute later, keeps the old key in the JWKS, and both tokens verify', async () => {
    const before = await registerAndLogin(app.url);
    const oldKid = decodeProtectedHeader(before.tokens.access_token).kid;
    // A verifier elsewhere that has already fetched the JWKS, as a running service has.
    const remote = app.verifier();
    await remote.verify(before.tokens.access_token);
    // Age the stored key past the rotation period, and move this replica's clock past its key cache.
    await app.db
      .knex('signing_keys')
      .where({ kid: oldKid })
      .update({ created_at: new Date(Date.now() - 25 * 3600 * 1000) });
    clock += 61_000;

    // Rotated: the new key is published at once, but the old one signs on for NEW_KEY_LEAD_SECONDS.
    const during = await registerAndLogin(app.url);
    expect(decodeProtectedHeader(during.tokens.access_token).kid).to.equal(oldKid);
    const newKid = (await app.db.knex('signing_keys').whereNull('retired_at').first()).kid;
    expect(newKid).not.to.equal(oldKid);
    expect(
      (await call(app.url, 'GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid),
    ).to.include.members([oldKid, newKid]);
    expect((await remote.verify(during.tokens.access_token)).sub).to.equal(during.userId);

    // The lead and this replica's cache have passed (database and replica clocks), and so has the
    // remote verifier's 30 s refetch cooldown: it meets the new kid and fetches the JWKS again.
    await app.db
      .knex('signing_keys')
      .where({ kid: oldKid })
      .update({ retired_at: app.db.knex.raw(`retired_at - interval '${NEW_KEY_LEAD_SECONDS + 1} seconds'`) });
    clock += 61_000;
    const dates = sinon.useFakeTimers({ now: Date.now() + 31_000, toFake: ['Date'], shouldAdvanceTime: true });
    let after: Awaited<ReturnType<typeof registerAndLogin>>;
    try {
      after = await registerAndLogin(app.url);
      expect(decodeProtectedHeader(after.tokens.access_token).kid).to.equal(newKid);
      expect((await remote.verify(after.tokens.access_token)).sub).to.equal(after.userId);
      // Checked under the same moved clock: minted 31 s "ahead", it is from the future for a real one.
      expect((await call(app.url, 'GET', '/v1/auth/me', { token: after.tokens.access_token })).status).to.equal(200);
    } finally {
      dates.restore();
    }

    const kids = (await call(app.url, 'GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
    expect(kids).to.include.members([oldKid, newKid]);
    expect((await app.verifier().verify(before.tokens.access_token)).sub).to.equal(before.userId);
    expect((await call(app.url, 'GET', '/v1/auth/me', { token: before.tokens.access_token })).status).to.equal(200);
    const active = await app.db.knex('signing_keys').whereNull('retired_at');
    expect(active.map((k) => k.kid)).to.deep.equal([newKid]);
  });

  it('drops a retired key from the JWKS once every token it signed has expired', async () => {
    const keys = new SigningKeys(new SigningKeyRepository(app.db.knex), {
      maxTokenLifetimeSeconds: 3600,
      rotationSeconds: 0,
    });
    const retired = await app.db.knex('signing_keys').whereNotNull('retired_at').first();
    await app.db
      .knex('signing_keys')
      .where({ kid: retired.kid })
      .update({ retired_at: new Date(Date.now() - 2 * 3600 * 1000) });
    const kids = (await keys.jwks()).keys.map((k) => k.kid);
    expect(kids).not.to.include(retired.kid);
    expect(kids).to.include((await keys.active()).kid);
  });

  it('rotates once when two replicas find the key due at the same moment', async () => {
    const [a, b] = [0, 1].map(
      () =>
        new SigningKeys(new SigningKeyRepository(app.db.knex), {
          maxTokenLifetimeSeconds: 3600,
          rotationSeconds: 60,
          now: () => Date.now() + 3600_000,
        }),
    );
    const [ka, kb] = await Promise.all([a!.active(), b!.active()]);
    expect(ka.kid).to.equal(kb.kid);
    expect(await app.db.knex('signing_keys').whereNull('retired_at')).to.have.length(1);
  });
});
