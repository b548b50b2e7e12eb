import { expect } from 'chai';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { call } from '@micropay/platform/testing';
import { SigningKeyRepository } from '../../../src/data/signing-key-repository';
import { SigningKeys } from '../../../src/domain/signing-keys';
import { PAYMENT_CLIENT, startAuthTestApp, uniqueEmail, type AuthTestApp } from '../../support/auth-test-app';

describe('auth-service /v1/auth', () => {
  let app: AuthTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startAuthTestApp();
  });
  after(() => app?.close());

  const countUsers = async () => Number((await app.db.knex('users').count<{ c: number }[]>('* as c'))[0]!.c);

  describe('POST /v1/auth/register', () => {
    it('creates a customer with a usr_ id and never returns the password', async () => {
      const email = uniqueEmail('ana');
      const res = await call(app.url, 'POST', '/v1/auth/register', {
        body: { email, password: 'a-long-passphrase', name: 'Ana' },
      });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ object: 'user', email, name: 'Ana' });
      expect(res.body.id).to.match(/^usr_[0-9A-Z]{26}$/);
      expect(res.body.groups).to.deep.equal(['customer']);
      expect(JSON.stringify(res.body)).not.to.contain('passphrase');
      const row = await app.db.knex('users').where({ id: res.body.id }).first();
      expect(row.password_hash).to.match(/^\$argon2id\$/);
    });

    it('answers 409 email_taken for an email already registered, whatever its case and surrounding spaces', async () => {
      const email = uniqueEmail('dup');
      await call(app.url, 'POST', '/v1/auth/register', { body: { email, password: 'a-long-passphrase' } });
      const res = await call(app.url, 'POST', '/v1/auth/register', {
        body: { email: `  ${email.toUpperCase()} `, password: 'another-passphrase' },
      });
      expect(res.status).to.equal(409);
      expect(res.body.error).to.include({ code: 'email_taken', param: 'email' });
    });

    it('answers 400 weak_password naming the rule, and writes nothing', async () => {
      const before = await countUsers();
      const short = await call(app.url, 'POST', '/v1/auth/register', {
        body: { email: uniqueEmail(), password: 'short' },
      });
      expect(short.status).to.equal(400);
      expect(short.body.error).to.include({ code: 'weak_password', param: 'password' });
      expect(short.body.error.message).to.contain('at least 8 characters');
      const email = uniqueEmail();
      const same = await call(app.url, 'POST', '/v1/auth/register', { body: { email, password: email } });
      expect(same.body.error.message).to.contain('email');
      expect(await countUsers()).to.equal(before);
    });

    it('answers 400 naming a missing, malformed or unknown field, and writes nothing', async () => {
      const before = await countUsers();
      const cases: [unknown, string, string][] = [
        [{ password: 'a-long-passphrase' }, 'parameter_missing', 'email'],
        [{ email: 'not-an-email', password: 'a-long-passphrase' }, 'parameter_invalid', 'email'],
        [{ email: uniqueEmail(), password: 'a-long-passphrase', admin: true }, 'parameter_unknown', 'admin'],
        [{ email: uniqueEmail(), password: 12345678 }, 'parameter_invalid', 'password'],
      ];
      for (const [body, code, param] of cases) {
        const res = await call(app.url, 'POST', '/v1/auth/register', { body });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error).to.include({ code, param });
      }
      expect(await countUsers()).to.equal(before);
    });
  });

  describe('POST /v1/auth/login', () => {
    const password = 'correct horse battery';
    let email: string;
    let userId: string;
    before(async () => {
      email = uniqueEmail('login');
      userId = (await call(app.url, 'POST', '/v1/auth/register', { body: { email, password } })).body.id;
    });

    it('returns RS256 access, id and refresh tokens that verify against the served JWKS', async () => {
      const res = await call(app.url, 'POST', '/v1/auth/login', { body: { email, password } });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ token_type: 'Bearer', expires_in: 900 });
      expect(res.headers.get('cache-control')).to.equal('no-store');
      expect(decodeProtectedHeader(res.body.access_token)).to.include({ alg: 'RS256' });

      const caller = await app.verifier().verify(res.body.access_token);
      expect(caller).to.include({ kind: 'user', sub: userId, clientId: 'micropay-local' });
      expect(caller.groups).to.deep.equal(['customer']);

      const id = decodeJwt(res.body.id_token);
      expect(id).to.include({ token_use: 'id', aud: 'micropay-local', email, sub: userId });
      expect(res.body.refresh_token).to.match(/^[A-Za-z0-9_-]{43}$/);
      const stored = await app.db.knex('refresh_tokens').where({ user_id: userId });
      expect(stored.some((row) => row.token_hash === res.body.refresh_token)).to.equal(false);
    });

    it('accepts the email in any case', async () => {
      const res = await call(app.url, 'POST', '/v1/auth/login', { body: { email: email.toUpperCase(), password } });
      expect(res.status).to.equal(200);
    });

    it('answers the same 401 for a wrong password and an unknown email', async () => {
      const wrong = await call(app.url, 'POST', '/v1/auth/login', { body: { email, password: 'wrong password' } });
      const unknown = await call(app.url, 'POST', '/v1/auth/login', {
        body: { email: uniqueEmail('nobody'), password },
      });
      for (const res of [wrong, unknown]) {
        expect(res.status).to.equal(401);
        expect(res.body.error).to.include({
          code: 'invalid_credentials',
          message: 'The email or password is incorrect.',
        });
      }
    });

    it('refuses an id token where an access token is required', async () => {
      const res = await call(app.url, 'POST', '/v1/auth/login', { body: { email, password } });
      try {
        await app.verifier().verify(res.body.id_token);
        expect.fail('an id token must not pass as an access token');
      } catch (error) {
        expect((error as { code: string }).code).to.equal('invalid_token');
      }
    });
  });

  describe('discovery', () => {
    it('publishes the signing key as a JWKS with kid and no private parts', async () => {
      const res = await call(app.url, 'GET', '/.well-known/jwks.json');
      expect(res.status).to.equal(200);
      // On a shared server database, keys retired by the rotation tests may still be published.
      expect(res.body.keys.map((k: { kid: string }) => k.kid)).to.include((await app.deps.local!.keys.active()).kid);
      for (const key of res.body.keys) {
        expect(key).to.include({ kty: 'RSA', alg: 'RS256', use: 'sig' });
        for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.to.have.property(privatePart);
      }
    });

    it('serves an OpenID configuration pointing at the issuer', async () => {
      const res = await call(app.url, 'GET', '/.well-known/openid-configuration');
      expect(res.body).to.include({
        issuer: 'http://auth.test',
        jwks_uri: 'http://auth.test/.well-known/jwks.json',
        token_endpoint: 'http://auth.test/oauth2/token',
      });
      expect(res.body.id_token_signing_alg_values_supported).to.deep.equal(['RS256']);
    });

    it('lists exactly the claims its tokens carry and the scopes they can hold', async () => {
      const discovery = (await call(app.url, 'GET', '/.well-known/openid-configuration')).body;
      const email = uniqueEmail('claims');
      const password = 'correct horse battery';
      await call(app.url, 'POST', '/v1/auth/register', { body: { email, password, name: 'Claire' } });
      const user = (await call(app.url, 'POST', '/v1/auth/login', { body: { email, password } })).body;
      const client = (
        await call(app.url, 'POST', '/oauth2/token', {
          rawBody: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${PAYMENT_CLIENT.client_id}:${PAYMENT_CLIENT.client_secret}`).toString('base64')}`,
          },
        })
      ).body;
      const tokens = [user.access_token, user.id_token, client.access_token].map((t: string) => decodeJwt(t));
      const issued = new Set(tokens.flatMap((claims) => Object.keys(claims)));
      expect([...issued].sort()).to.deep.equal([...discovery.claims_supported].sort());
      const scopes = new Set(
        tokens.flatMap((claims) => (typeof claims.scope === 'string' ? claims.scope.split(' ') : [])),
      );
      expect([...scopes].sort()).to.deep.equal([...discovery.scopes_supported].sort());
    });

    it('advertises only the grant types and client authentication methods the token endpoint accepts', async () => {
      const discovery = (await call(app.url, 'GET', '/.well-known/openid-configuration')).body;
      expect(discovery.grant_types_supported).to.deep.equal(['client_credentials']);
      expect(discovery.token_endpoint_auth_methods_supported).to.have.members([
        'client_secret_basic',
        'client_secret_post',
      ]);
      const form = (fields: Record<string, string>, authorization?: string) =>
        call(app.url, 'POST', new URL(discovery.token_endpoint).pathname, {
          rawBody: new URLSearchParams(fields).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
        });
      const basic = `Basic ${Buffer.from(`${PAYMENT_CLIENT.client_id}:${PAYMENT_CLIENT.client_secret}`).toString('base64')}`;
      const post = { client_id: PAYMENT_CLIENT.client_id, client_secret: PAYMENT_CLIENT.client_secret };
      const byMethod: Record<string, (grant: string) => ReturnType<typeof form>> = {
        client_secret_basic: (grant) => form({ grant_type: grant }, basic),
        client_secret_post: (grant) => form({ grant_type: grant, ...post }),
      };
      for (const method of discovery.token_endpoint_auth_methods_supported as string[]) {
        for (const grant of discovery.grant_types_supported as string[])
          expect((await byMethod[method]!(grant)).status, `${method} ${grant}`).to.equal(200);
      }
      for (const grant of ['password', 'refresh_token', 'authorization_code']) {
        expect((await form({ grant_type: grant }, basic)).body.error.code, grant).to.equal('unsupported_grant_type');
      }
    });

    it('keeps the same signing key across restarts (stored, not regenerated)', async () => {
      const again = new SigningKeys(new SigningKeyRepository(app.db.knex), {
        maxTokenLifetimeSeconds: 3600,
        rotationSeconds: 0,
      });
      expect((await again.active()).kid).to.equal((await app.deps.local!.keys.active()).kid);
    });

    it('documents every auth route and error code in /openapi.json', async () => {
      const res = await call(app.url, 'GET', '/openapi.json');
      const text = JSON.stringify(res.body);
      for (const path of ['/v1/auth/register', '/v1/auth/login', '/oauth2/token', '/.well-known/jwks.json']) {
        expect(res.body.paths).to.have.property(path);
      }
      for (const code of [
        'email_taken',
        'weak_password',
        'invalid_credentials',
        'invalid_client',
        'invalid_scope',
        'unsupported_grant_type',
      ]) {
        expect(text).to.contain(code);
      }
    });
  });
});
