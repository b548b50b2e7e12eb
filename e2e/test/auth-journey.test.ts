import { expect } from 'chai';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { call } from '@micropay/platform/testing';
import { randomUUID } from 'node:crypto';
import { eventually, PASSWORD as password, useE2eStack } from './support';

describe("e2e: `npm start`, then a user's whole session through the gateway", function () {
  this.timeout(240_000);
  const stack = useE2eStack();
  const post = (path: string, body?: unknown, token?: string) => call(stack().gateway, 'POST', path, { body, token });
  /** Each test registers a user of its own. */
  const registered = async () => {
    const email = `auth.e2e.${randomUUID()}@example.com`;
    expect((await post('/v1/auth/register', { email, password })).status).to.equal(201);
    return email;
  };

  it('refuses a common password, then registers and logs in', async () => {
    const email = `auth.e2e.${randomUUID()}@example.com`;
    const weak = await post('/v1/auth/register', { email, password: 'password123' });
    expect(weak.status).to.equal(400);
    expect(weak.body.error).to.include({ code: 'weak_password', param: 'password' });
    expect((await post('/v1/auth/register', { email, password })).status).to.equal(201);
    const login = await post('/v1/auth/login', { email, password });
    expect(login.status).to.equal(200);
    const discovery = await call(stack().gateway, 'GET', '/.well-known/openid-configuration');
    expect(decodeJwt(login.body.access_token).iss).to.equal(discovery.body.issuer);
    const jwks = await call(stack().gateway, 'GET', '/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).to.include(
      decodeProtectedHeader(login.body.access_token).kid,
    );
  });

  it('walks the session: me, refresh (rotating), replay detected, log in again, log out', async () => {
    const email = await registered();
    const first = (await post('/v1/auth/login', { email, password })).body;
    const me = await call(stack().gateway, 'GET', '/v1/auth/me', { token: first.access_token });
    expect(me.status).to.equal(200);
    expect(me.body).to.include({ email, object: 'user' });

    const second = await post('/v1/auth/refresh', { refresh_token: first.refresh_token });
    expect(second.status).to.equal(200);
    // The same refresh token again looks like theft: the session is revoked, successor included.
    expect((await post('/v1/auth/refresh', { refresh_token: first.refresh_token })).status).to.equal(401);
    expect((await post('/v1/auth/refresh', { refresh_token: second.body.refresh_token })).status).to.equal(401);

    const again = (await post('/v1/auth/login', { email, password })).body;
    expect((await post('/v1/auth/logout', undefined, again.access_token)).status).to.equal(204);
    expect((await post('/v1/auth/refresh', { refresh_token: again.refresh_token })).status).to.equal(401);
    expect((await call(stack().gateway, 'GET', '/v1/auth/me', { token: again.access_token })).status).to.equal(401);
  });

  it('a logout is refused by every service, through the gateway and on its own port, within seconds; other sessions go on', async () => {
    const email = await registered();
    const out = (await post('/v1/auth/login', { email, password })).body.access_token as string;
    const kept = (await post('/v1/auth/login', { email, password })).body.access_token as string;
    // One route of each service that takes a user token.
    const routes: [string, string][] = [
      ['auth-service', '/v1/auth/me'],
      ['transaction-service', '/v1/accounts'],
      ['payment-service', '/v1/payments'],
      ['notification-service', '/v1/notifications'],
    ];
    const statuses = (token: string) =>
      Promise.all(
        routes.flatMap(([service, path]) => [
          call(stack().gateway, 'GET', path, { token }).then((r) => `gateway ${path} ${r.status}`),
          call(stack().services[service]!, 'GET', path, { token }).then((r) => `${service} ${path} ${r.status}`),
        ]),
      );
    const all = (status: number) =>
      routes.flatMap(([service, path]) => [`gateway ${path} ${status}`, `${service} ${path} ${status}`]);
    expect(await statuses(out)).to.deep.equal(all(200));

    expect((await post('/v1/auth/logout', undefined, out)).status).to.equal(204);
    // Every verifier polls auth-service's revocation list every 2 s (AUTH_REVOCATIONS_REFRESH_MS).
    const seen = await eventually(async () => {
      const now = await statuses(out);
      return now.every((line) => line.endsWith(' 401')) ? now : undefined;
    }, 10_000);
    expect(seen).to.deep.equal(all(401));
    expect(await statuses(kept)).to.deep.equal(all(200));
  });

  it('the gateway refuses protected auth routes without a token', async () => {
    expect((await call(stack().gateway, 'GET', '/v1/auth/me')).status).to.equal(401);
    expect((await post('/v1/auth/logout')).status).to.equal(401);
  });

  it('locks the email after five failed logins, even for the right password', async () => {
    const email = await registered();
    const statuses = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await post('/v1/auth/login', { email, password: 'not the password' })).status);
    expect(statuses).to.deep.equal([401, 401, 401, 401, 401]);
    const locked = await post('/v1/auth/login', { email, password });
    expect(locked.status).to.equal(429);
    expect(locked.body.error.code).to.equal('login_locked');
    expect(Number(locked.headers.get('retry-after'))).to.be.greaterThan(0);
  });
});
