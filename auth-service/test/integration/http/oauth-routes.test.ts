import { expect } from 'chai';
import { call } from '@micropay/platform/testing';
import { PAYMENT_CLIENT, startAuthTestApp, type AuthTestApp } from '../../support/auth-test-app';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

describe('auth-service POST /oauth2/token (client credentials)', () => {
  let app: AuthTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startAuthTestApp();
  });
  after(() => app?.close());

  const token = (fields: Record<string, string>, authorization?: string, contentType = FORM) =>
    call(app.url, 'POST', '/oauth2/token', {
      rawBody: contentType === FORM ? form(fields) : JSON.stringify(fields),
      headers: { 'content-type': contentType, ...(authorization ? { authorization } : {}) },
    });

  it("issues a client token with all the client's scopes, verifiable as a client caller", async () => {
    const res = await token(
      { grant_type: 'client_credentials' },
      basic(PAYMENT_CLIENT.client_id, PAYMENT_CLIENT.client_secret),
    );
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ token_type: 'Bearer', expires_in: 3600 });
    const caller = await app.verifier().verify(res.body.access_token);
    expect(caller).to.include({ kind: 'client', sub: 'payment-service', clientId: 'payment-service' });
    expect(caller.scopes).to.deep.equal(PAYMENT_CLIENT.scopes);
  });

  it('narrows the token to the requested scopes', async () => {
    const res = await token(
      { grant_type: 'client_credentials', scope: 'ledger:read' },
      basic(PAYMENT_CLIENT.client_id, PAYMENT_CLIENT.client_secret),
    );
    expect((await app.verifier().verify(res.body.access_token)).scopes).to.deep.equal(['ledger:read']);
  });

  it('accepts client_secret_post', async () => {
    const res = await token({
      grant_type: 'client_credentials',
      client_id: PAYMENT_CLIENT.client_id,
      client_secret: PAYMENT_CLIENT.client_secret,
    });
    expect(res.status).to.equal(200);
  });

  it('answers 401 invalid_client for a wrong secret, an unknown client, or no credentials', async () => {
    for (const authorization of [
      basic('payment-service', 'wrong'),
      basic('nobody', PAYMENT_CLIENT.client_secret),
      undefined,
    ]) {
      const res = await token({ grant_type: 'client_credentials' }, authorization);
      expect(res.status, authorization).to.equal(401);
      expect(res.body.error.code).to.equal('invalid_client');
    }
  });

  it('answers 400 invalid_scope for a scope the client may not have', async () => {
    const res = await token(
      { grant_type: 'client_credentials', scope: 'ledger:write users:admin' },
      basic(PAYMENT_CLIENT.client_id, PAYMENT_CLIENT.client_secret),
    );
    expect(res.status).to.equal(400);
    expect(res.body.error).to.include({ code: 'invalid_scope', param: 'scope' });
  });

  it('answers 400 unsupported_grant_type for other grants', async () => {
    const res = await token({ grant_type: 'password' }, basic(PAYMENT_CLIENT.client_id, PAYMENT_CLIENT.client_secret));
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('unsupported_grant_type');
  });

  it('answers 415 to a JSON body, as the OAuth spec requires a form', async () => {
    const res = await token(
      { grant_type: 'client_credentials' },
      basic(PAYMENT_CLIENT.client_id, PAYMENT_CLIENT.client_secret),
      'application/json',
    );
    expect(res.status).to.equal(415);
  });
});
