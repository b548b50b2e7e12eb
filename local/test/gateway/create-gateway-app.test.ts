import { expect } from 'chai';
import express from 'express';
import { Lifecycle, Metrics } from '@micropay/platform';
import { call, listen, TestIssuer, testLogger, type Listening } from '@micropay/platform/testing';
import { createGatewayApp } from '../../src/gateway/create-gateway-app';

/** An upstream that echoes what reached it, and serves health and an OpenAPI document. */
async function echoService(name: string): Promise<Listening> {
  const app = express();
  app.get('/readyz', (_req, res) => void res.json({ status: 'ready' }));
  app.get('/openapi.json', (_req, res) => void res.json({ openapi: '3.1.0', info: { title: name }, paths: {} }));
  app.all('/{*rest}', (req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      res.status(200).json({
        service: name,
        method: req.method,
        path: req.originalUrl,
        raw,
        authorization: req.get('authorization') ?? null,
        requestId: req.get('x-request-id') ?? null,
      });
    });
  });
  return listen(app);
}

describe('local gateway', () => {
  let issuer: TestIssuer;
  let gateway: Listening;
  const upstreams: Record<string, Listening> = {};

  before(async () => {
    issuer = await TestIssuer.start();
    for (const name of ['auth-service', 'transaction-service', 'payment-service', 'notification-service'])
      upstreams[name] = await echoService(name);
    const app = createGatewayApp({
      upstreams: Object.fromEntries(Object.entries(upstreams).map(([name, s]) => [name, s.url])),
      verifier: issuer.verifier(),
      logger: testLogger('local-gateway'),
      metrics: new Metrics('local-gateway', { defaultMetrics: false }),
      lifecycle: new Lifecycle(),
    });
    gateway = await listen(app);
  });
  after(async () => {
    await gateway.close();
    await Promise.all(Object.values(upstreams).map((u) => u.close()));
    await issuer.close();
  });

  it('forwards public routes without a token, with the body byte for byte', async () => {
    const raw = '{ "email" : "ana@example.com",\n  "password": "correct horse battery" }';
    const res = await call(gateway.url, 'POST', '/v1/auth/register', {
      rawBody: raw,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ service: 'auth-service', path: '/v1/auth/register', raw });
    expect((await call(gateway.url, 'GET', '/.well-known/jwks.json')).body.service).to.equal('auth-service');
  });

  it('answers 401 on protected routes without a valid token, and keeps serving', async () => {
    for (const token of [
      undefined,
      issuer.unsignedToken('usr_1'),
      await issuer.userToken('usr_1', { expiresInSeconds: -120 }),
    ]) {
      const res = await call(gateway.url, 'GET', '/v1/payments', { token });
      expect(res.status).to.equal(401);
      expect(res.body.error.type).to.equal('authentication_error');
    }
    expect((await call(gateway.url, 'GET', '/livez')).status).to.equal(200);
  });

  it('routes each prefix to its service with the token and a request id', async () => {
    const token = await issuer.userToken('usr_1');
    const routes: [string, string][] = [
      ['/v1/accounts/acct_1', 'transaction-service'],
      ['/v1/transfers', 'transaction-service'],
      ['/v1/payments?limit=3', 'payment-service'],
      ['/v1/notifications', 'notification-service'],
      ['/v1/auth/me', 'auth-service'],
    ];
    for (const [path, service] of routes) {
      const res = await call(gateway.url, 'GET', path, { token, headers: { 'x-request-id': 'req-from-client' } });
      expect(res.body, path).to.include({
        service,
        path,
        authorization: `Bearer ${token}`,
        requestId: 'req-from-client',
      });
    }
  });

  it('does not expose internal endpoints', async () => {
    const token = await issuer.clientToken('payment-service', ['events:publish', 'ledger:write']);
    for (const path of ['/internal/events', '/v1/system-accounts', '/metrics-of-services']) {
      const res = await call(gateway.url, 'POST', path, { token, body: {} });
      expect(res.status, path).to.equal(404);
    }
  });

  it('answers 503 upstream_unavailable when a service is down', async () => {
    const down = createGatewayApp({
      upstreams: { 'payment-service': 'http://127.0.0.1:1' },
      verifier: issuer.verifier(),
      logger: testLogger('local-gateway'),
      metrics: new Metrics('local-gateway', { defaultMetrics: false }),
      lifecycle: new Lifecycle(),
    });
    const server = await listen(down);
    try {
      const res = await call(server.url, 'GET', '/v1/payments', { token: await issuer.userToken('usr_1') });
      expect(res.status).to.equal(503);
      expect(res.body.error.code).to.equal('upstream_unavailable');
      expect((await call(server.url, 'GET', '/readyz')).status).to.equal(503);
      const docs = await call(server.url, 'GET', '/docs/openapi/payment-service.json');
      expect(docs.status, 'the docs page says which service is down').to.equal(503);
      expect(docs.body.error).to.include({ code: 'upstream_unavailable' });
    } finally {
      await server.close();
    }
  });

  it('answers 504 upstream_timeout with the error body when a service accepts but never answers', async () => {
    const frozen = express();
    frozen.use(() => undefined); // holds every request, as a SIGSTOPped process does
    const upstream = await listen(frozen);
    const app = createGatewayApp({
      upstreams: { 'payment-service': upstream.url },
      verifier: issuer.verifier(),
      logger: testLogger('local-gateway'),
      metrics: new Metrics('local-gateway', { defaultMetrics: false }),
      lifecycle: new Lifecycle(),
      upstreamTimeoutMs: 200,
    });
    const server = await listen(app);
    try {
      const res = await call(server.url, 'GET', '/v1/payments', { token: await issuer.userToken('usr_1') });
      expect(res.status).to.equal(504);
      expect(res.body.error).to.include({ code: 'upstream_timeout', type: 'api_error' });
      expect(res.body.error.request_id).to.be.a('string');
    } finally {
      await server.close();
      await upstream.close();
    }
  });

  it('answers 404 for a docs document of no service, including Object.prototype names', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'nope']) {
      const res = await call(gateway.url, 'GET', `/docs/openapi/${name}.json`);
      expect(res.status, name).to.equal(404);
      expect(res.body.error.code, name).to.equal('resource_missing');
    }
  });

  it('answers 431 with the error body when the headers are too large', async () => {
    const res = await call(gateway.url, 'GET', '/v1/payments', { headers: { 'x-big': 'a'.repeat(20_000) } });
    expect(res.status).to.equal(431);
    expect(res.body.error).to.include({ code: 'headers_too_large', type: 'invalid_request_error' });
  });

  it('serves the API docs page, its assets and every service document pointed at the gateway', async () => {
    const page = await call(gateway.url, 'GET', '/docs');
    expect(page.status).to.equal(200);
    expect(page.body).to.contain('swagger-ui');
    expect((await call(gateway.url, 'GET', '/docs/assets/swagger-ui-bundle.js')).status).to.equal(200);
    const init = await call(gateway.url, 'GET', '/docs/init.js');
    for (const name of ['auth-service', 'transaction-service', 'payment-service', 'notification-service'])
      expect(init.body).to.contain(`/docs/openapi/${name}.json`);
    const doc = await call(gateway.url, 'GET', '/docs/openapi/payment-service.json');
    expect(doc.body.info.title).to.equal('payment-service');
    expect(doc.body.servers[0].url).to.equal(gateway.url);
    expect((await call(gateway.url, 'GET', '/docs/openapi/nope.json')).status).to.equal(404);
  });

  it('is ready only when every service is', async () => {
    expect((await call(gateway.url, 'GET', '/readyz')).status).to.equal(200);
  });
});
