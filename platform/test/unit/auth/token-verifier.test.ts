import { expect } from 'chai';
import express from 'express';
import { createLocalJWKSet } from 'jose';
import { AppError, createTokenVerifier, RevocationSet } from '../../../src';
import { listen, TestIssuer } from '../../../src/testing';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the token to be rejected');
}

describe('createTokenVerifier', () => {
  let issuer: TestIssuer;
  let other: TestIssuer;

  before(async () => {
    issuer = await TestIssuer.start();
    other = await TestIssuer.start();
  });
  after(async () => {
    await issuer.close();
    await other.close();
  });

  it('accepts a user access token and exposes the caller', async () => {
    const caller = await issuer
      .verifier()
      .verify(await issuer.userToken('usr_1', { groups: ['customer', 'merchant'] }));
    expect(caller).to.include({ kind: 'user', sub: 'usr_1', clientId: issuer.userClientId });
    expect(caller.groups).to.deep.equal(['customer', 'merchant']);
  });

  it('recognises a client-credentials token and its scopes', async () => {
    const caller = await issuer
      .verifier()
      .verify(await issuer.clientToken('payment-service', ['ledger:write', 'events:publish']));
    expect(caller).to.include({ kind: 'client', sub: 'payment-service', clientId: 'payment-service' });
    expect(caller.scopes).to.deep.equal(['ledger:write', 'events:publish']);
  });

  const refusals: [string, (i: TestIssuer, o: TestIssuer) => Promise<string> | string][] = [
    ['an expired token', (i) => i.userToken('usr_1', { expiresInSeconds: -120 })],
    ['a token issued in the future', (i) => i.userToken('usr_1', { issuedAtOffsetSeconds: 120 })],
    ['alg: none', (i) => i.unsignedToken('usr_1')],
    ['HS256 signed with the public key', (i) => i.hs256WithPublicKey('usr_1')],
    ['a token signed by another key with an unknown kid', (_i, o) => o.userToken('usr_1', { issuer: _i.issuer })],
    ['a wrong issuer', (i) => i.userToken('usr_1', { issuer: 'https://evil.example' })],
    ['an id token used as an access token', (i) => i.userToken('usr_1', { tokenUse: 'id' })],
    ['a tampered payload', (i) => i.tamperedToken('usr_1', { sub: 'usr_admin', 'cognito:groups': ['admin'] })],
    ['garbage', () => 'abc.def.ghi'],
  ];
  for (const [label, mint] of refusals) {
    it(`refuses ${label} with 401 invalid_token`, async () => {
      const error = await rejection(issuer.verifier().verify(await mint(issuer, other)));
      expect(error.status).to.equal(401);
      expect(error.code).to.equal('invalid_token');
    });
  }

  it('accepts a token issued a little in the future, within the clock-skew allowance', async () => {
    const caller = await issuer.verifier().verify(await issuer.userToken('usr_1', { issuedAtOffsetSeconds: 3 }));
    expect(caller.sub).to.equal('usr_1');
  });

  it('verifies against an in-process key set (the issuer checking its own tokens) and exposes session and username', async () => {
    const keys = createLocalJWKSet({ keys: [issuer.publicJwk] });
    const verifier = createTokenVerifier({ issuer: issuer.issuer, keys });
    const caller = await verifier.verify(await issuer.userToken('usr_1', { extra: { origin_jti: 'session-1' } }));
    expect(caller).to.include({ sub: 'usr_1', username: 'usr_1', sessionId: 'session-1' });
    const error = await rejection(verifier.verify(await other.userToken('usr_1', { issuer: issuer.issuer })));
    expect(error).to.include({ status: 401, code: 'invalid_token' });
  });

  it('remembers a verified signature only: a token seen before is still refused once revoked or expired', async () => {
    const keys = createLocalJWKSet({ keys: [issuer.publicJwk] });
    const revoked = new RevocationSet();
    const verifier = createTokenVerifier({
      issuer: issuer.issuer,
      keys,
      revocations: revoked,
      clockToleranceSeconds: 0,
    });
    const token = await issuer.userToken('usr_1', { extra: { origin_jti: 'session-9' }, expiresInSeconds: 2 });
    expect((await verifier.verify(token)).sessionId).to.equal('session-9');
    expect((await verifier.verify(token)).sessionId).to.equal('session-9');
    revoked.add([{ type: 'session', id: 'session-9', issued_before: null, expires_at: Date.now() / 1000 + 60 }]);
    expect((await rejection(verifier.verify(token))).message).to.match(/session of this token has ended/);

    const shortLived = await issuer.userToken('usr_2', { expiresInSeconds: 1 });
    await verifier.verify(shortLived);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await rejection(verifier.verify(shortLived))).to.include({ status: 401, code: 'invalid_token' });
  });

  it('reads Cognito resource-server scopes without their prefix when one is configured', async () => {
    const verifier = createTokenVerifier({ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, scopePrefix: 'micropay/' });
    const caller = await verifier.verify(
      await issuer.clientToken('payment-service', ['micropay/ledger:write', 'other/ledger:read']),
    );
    expect(caller.scopes).to.deep.equal(['ledger:write', 'other/ledger:read']);
  });

  it('refuses tokens of clients outside the allowed list', async () => {
    const verifier = createTokenVerifier({ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, clientIds: ['web'] });
    const error = await rejection(verifier.verify(await issuer.userToken('usr_1')));
    expect(error.code).to.equal('invalid_token');
  });

  it('answers 503 rather than 401 when the key set cannot be fetched', async () => {
    const broken = express();
    broken.get('/.well-known/jwks.json', (_req, res) => {
      res.status(500).send('down');
    });
    const server = await listen(broken);
    try {
      const verifier = createTokenVerifier({ issuer: issuer.issuer, jwksUrl: `${server.url}/.well-known/jwks.json` });
      const error = await rejection(verifier.verify(await issuer.userToken('usr_1')));
      expect(error.status).to.equal(503);
      expect(error.code).to.equal('upstream_unavailable');
    } finally {
      await server.close();
    }
  });
});
