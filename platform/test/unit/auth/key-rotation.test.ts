import { expect } from 'chai';
import express from 'express';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { AppError, createTokenVerifier } from '../../../src';
import { listen, type Listening } from '../../../src/testing';

interface Key {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newKey(): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An issuer whose JWKS can change while a verifier is running, counting how often it is fetched:
 * what a service sees when auth-service rotates its signing key.
 */
describe('createTokenVerifier and signing key rotation at the issuer', () => {
  let server: Listening;
  let published: JWK[];
  let fetches: number;
  let issuer: string;

  beforeEach(async () => {
    published = [];
    fetches = 0;
    const app = express();
    app.get('/.well-known/jwks.json', (_req, res) => {
      fetches += 1;
      res.json({ keys: published });
    });
    server = await listen(app);
    issuer = server.url;
  });
  afterEach(() => server?.close());

  const sign = (key: Key, sub = 'usr_1') => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ username: sub, client_id: 'web', token_use: 'access', scope: 'aws.cognito.signin.user.admin' })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .setJti(randomUUID())
      .sign(key.privateKey);
  };
  const verifierWith = (jwksCooldownMs?: number) =>
    createTokenVerifier({ issuer, jwksUrl: `${issuer}/.well-known/jwks.json`, jwksCooldownMs });
  const refusal = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      expect(error).to.be.instanceOf(AppError);
      return error as AppError;
    }
    throw new Error('expected the token to be refused');
  };

  it('accepts a token signed with a newly rotated kid without a restart, refetching the JWKS once', async () => {
    const old = await newKey();
    published = [old.publicJwk];
    const verifier = verifierWith(200);
    expect((await verifier.verify(await sign(old))).sub).to.equal('usr_1');
    expect(fetches).to.equal(1);

    // The issuer rotates: the new key signs, the old one stays published until its tokens expire.
    const rotated = await newKey();
    published = [rotated.publicJwk, old.publicJwk];
    await sleep(250);

    expect((await verifier.verify(await sign(rotated, 'usr_2'))).sub).to.equal('usr_2');
    expect(fetches).to.equal(2);
    expect((await verifier.verify(await sign(old))).sub).to.equal('usr_1');
    expect((await verifier.verify(await sign(rotated))).sub).to.equal('usr_1');
    expect(fetches).to.equal(2);
  });

  it('refetches for unknown kids at most once per cooldown, however many arrive', async () => {
    const real = await newKey();
    const rogue = await newKey();
    published = [real.publicJwk];
    const verifier = verifierWith(1000);
    await verifier.verify(await sign(real));
    await sleep(1100);

    const forged = await Promise.all(Array.from({ length: 20 }, async () => sign({ ...rogue, kid: randomUUID() })));
    const errors = await Promise.all(forged.map((t) => refusal(verifier.verify(t))));
    for (const error of errors) expect(error).to.include({ status: 401, code: 'invalid_token' });
    expect(fetches).to.equal(2);

    for (const token of forged.slice(0, 5)) expect((await refusal(verifier.verify(token))).status).to.equal(401);
    expect(fetches).to.equal(2);
    expect((await verifier.verify(await sign(real))).sub).to.equal('usr_1');
  });

  it('by default waits 30 s between refetches, so unknown kids right after a fetch cost the issuer nothing', async () => {
    const real = await newKey();
    published = [real.publicJwk];
    const verifier = verifierWith();
    await verifier.verify(await sign(real));
    const rogue = await newKey();
    for (let i = 0; i < 5; i += 1)
      expect((await refusal(verifier.verify(await sign({ ...rogue, kid: randomUUID() })))).status).to.equal(401);
    expect(fetches).to.equal(1);
  });
});
