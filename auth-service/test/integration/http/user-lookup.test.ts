import { expect } from 'chai';
import { call } from '@micropay/platform/testing';
import {
  EVENTS_CLIENT,
  PAYMENT_CLIENT,
  registerAndLogin,
  startAuthTestApp,
  type AuthTestApp,
} from '../../support/auth-test-app';

/** notification-service's client as the manifest gives it: it reads users' addresses for email receipts. */
const NOTIFICATION_CLIENT = { ...EVENTS_CLIENT, scopes: ['events:publish', 'users:read'] };

describe('GET /v1/auth/users/{id}: the address book of email receipts', () => {
  let app: AuthTestApp;
  before(async function () {
    this.timeout(60_000);
    app = await startAuthTestApp({ OAUTH_CLIENTS: JSON.stringify([PAYMENT_CLIENT, NOTIFICATION_CLIENT]) });
  });
  after(() => app.close());

  const clientToken = async (client: { client_id: string; client_secret: string }) =>
    (
      await call(app.url, 'POST', '/oauth2/token', {
        rawBody: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        },
      })
    ).body.access_token as string;

  it('answers a client holding users:read with the user and their email', async () => {
    const user = await registerAndLogin(app.url, { label: 'receipt' });
    const res = await call(app.url, 'GET', `/v1/auth/users/${user.userId}`, {
      token: await clientToken(NOTIFICATION_CLIENT),
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ id: user.userId, object: 'user', email: user.email });
  });

  it('answers 404 for an unknown user', async () => {
    const res = await call(app.url, 'GET', '/v1/auth/users/usr_nobody', {
      token: await clientToken(NOTIFICATION_CLIENT),
    });
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('user_missing');
  });

  it('refuses a client without users:read and a user who is not an admin (403)', async () => {
    const user = await registerAndLogin(app.url);
    const other = await registerAndLogin(app.url);
    const asPayments = await call(app.url, 'GET', `/v1/auth/users/${other.userId}`, {
      token: await clientToken(PAYMENT_CLIENT),
    });
    expect(asPayments.status).to.equal(403);
    const asUser = await call(app.url, 'GET', `/v1/auth/users/${other.userId}`, { token: user.tokens.access_token });
    expect(asUser.status).to.equal(403);
  });
});
