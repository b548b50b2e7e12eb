import { expect } from 'chai';
import { z } from 'zod';
import {
  amountSchema,
  auth,
  createServiceApp,
  currencySchema,
  defineErrors,
  defineRoute,
  IdempotencyStore,
  platformMigrations,
  Lifecycle,
  Metrics,
  type Database,
} from '../../src';
import { call, listen, openTestDatabase, TestIssuer, testLogger, type Listening } from '../../src/testing';

const thingErrors = defineErrors({
  thing_not_found: { status: 404, description: 'No such thing.' },
  card_declined: { status: 402, type: 'card_error', description: 'The card was declined.' }, // a service's own type
});

const ChargeBody = z.strictObject({
  amount: amountSchema,
  currency: currencySchema,
  card: z.strictObject({ number: z.string().regex(/^\d{12,19}$/), cvc: z.string().optional() }).optional(),
  outcome: z.enum(['ok', 'decline', 'crash', 'slow']).default('ok'),
});

const BookedChargeBody = z.strictObject({
  amount: amountSchema,
  outcome: z.enum(['ok', 'rolled_back', 'fails_after_commit', 'other_reply']).default('ok'),
});

describe('createServiceApp (platform HTTP stack against a real database)', () => {
  let db: Database;
  let issuer: TestIssuer;
  let server: Listening;
  let lifecycle: Lifecycle;
  let ready = true;
  let executions = 0;

  before(async function () {
    this.timeout(60_000);
    db = await openTestDatabase('platform_test', platformMigrations({ idempotency: true }));
    issuer = await TestIssuer.start();
    lifecycle = new Lifecycle();
    const routes = [
      defineRoute({
        method: 'get',
        path: '/v1/things/:id',
        operationId: 'getThing',
        summary: 'Get a thing',
        tags: ['things'],
        auth: auth.public(),
        request: { params: z.object({ id: z.string().regex(/^thg_\w+$/) }) },
        responses: { 200: { description: 'The thing', schema: z.object({ id: z.string() }) } },
        errors: [thingErrors.thing_not_found],
        async handler({ params }) {
          if (params.id === 'thg_missing')
            throw thingErrors.thing_not_found.create('No thing thg_missing.', { param: 'id' });
          return { status: 200, body: { id: params.id } };
        },
      }),
      defineRoute({
        method: 'post',
        path: '/v1/charges',
        operationId: 'createCharge',
        summary: 'Create a charge',
        tags: ['charges'],
        auth: auth.userOrClient('ledger:write'),
        idempotency: 'required',
        request: { body: ChargeBody },
        responses: { 201: { description: 'Created' } },
        errors: [thingErrors.card_declined],
        async handler({ body, caller, idempotencyKey }) {
          executions += 1;
          if (body.outcome === 'decline')
            throw thingErrors.card_declined.create('Declined.', { details: { decline_code: 'generic_decline' } });
          if (body.outcome === 'crash') throw new Error('database password is hunter2');
          if (body.outcome === 'slow') await new Promise((r) => setTimeout(r, 300));
          return {
            status: 201,
            body: { id: `ch_${executions}`, amount: body.amount, caller: caller.sub, key: idempotencyKey },
          };
        },
      }),
      defineRoute({
        method: 'post',
        path: '/v1/booked-charges',
        operationId: 'createBookedCharge',
        summary: 'Create a charge booked in a business transaction that also stores the response',
        tags: ['charges'],
        auth: auth.userOrClient('ledger:write'),
        idempotency: 'required',
        request: { body: BookedChargeBody },
        responses: { 201: { description: 'Created' } },
        errors: [thingErrors.card_declined],
        async handler({ body, idempotency }) {
          executions += 1;
          const id = `bch_${executions}`;
          const reply = (booked: { id: string }) => ({ status: 201, body: { id: booked.id, amount: body.amount } });
          const book = () =>
            db.knex.transaction(async (trx) => {
              const booked = { id };
              await idempotency!.within(reply)(trx, booked);
              if (body.outcome === 'rolled_back') throw new Error('the business transaction failed after storing');
              return booked;
            });
          if (body.outcome === 'rolled_back') {
            await book().catch(() => undefined);
            return { status: 201, body: { id: `${id}_second_try`, amount: body.amount } };
          }
          const booked = await book();
          if (body.outcome === 'fails_after_commit') throw thingErrors.card_declined.create('Too late.');
          if (body.outcome === 'other_reply') return { status: 201, body: { id: booked.id, amount: 0 } };
          return reply(booked);
        },
      }),
      defineRoute({
        method: 'get',
        path: '/v1/admin/report',
        operationId: 'adminReport',
        summary: 'Admins only',
        tags: ['admin'],
        auth: auth.user({ groups: ['admin'] }),
        responses: { 200: { description: 'ok' } },
        async handler() {
          return { status: 200, body: { ok: true } };
        },
      }),
    ];
    const app = createServiceApp({
      service: 'test-service',
      logger: testLogger(),
      metrics: new Metrics('test-service', { defaultMetrics: false }),
      lifecycle,
      readinessCheck: async () => {
        if (!ready) throw new Error('db down');
        await db.ping();
      },
      openapi: { title: 'Test', version: '1', description: 'test' },
      routes,
      verifier: issuer.verifier(),
      idempotency: new IdempotencyStore(db.knex),
    });
    server = await listen(app);
  });

  after(async () => {
    await server?.close();
    await issuer?.close();
    await db?.close();
  });

  describe('errors', () => {
    it('answers an unknown route with 404 resource_missing in the standard error body', async () => {
      const res = await call(server.url, 'GET', '/v1/nope');
      expect(res.status).to.equal(404);
      expect(res.body.error).to.include({ type: 'invalid_request_error', code: 'resource_missing' });
      expect(res.body.error.request_id).to.equal(res.headers.get('x-request-id'));
    });

    it('echoes a caller-supplied X-Request-Id and replaces an unsafe one', async () => {
      const ok = await call(server.url, 'GET', '/v1/things/thg_1', { headers: { 'x-request-id': 'abc-123' } });
      expect(ok.headers.get('x-request-id')).to.equal('abc-123');
      const bad = await call(server.url, 'GET', '/v1/things/thg_1', { headers: { 'x-request-id': 'a b<script>' } });
      expect(bad.headers.get('x-request-id')).to.match(/^req_/);
    });

    it('answers malformed JSON with 400 invalid_json', async () => {
      const token = await issuer.userToken('usr_1');
      const res = await call(server.url, 'POST', '/v1/charges', {
        token,
        rawBody: '{"amount": 10,',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'k-json' },
      });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_json');
    });

    it('answers a body over 100 kB with 413', async () => {
      const token = await issuer.userToken('usr_1');
      const res = await call(server.url, 'POST', '/v1/charges', {
        token,
        body: { amount: 1, currency: 'usd', padding: 'x'.repeat(101 * 1024) },
        headers: { 'idempotency-key': 'k-big' },
      });
      expect(res.status).to.equal(413);
      expect(res.body.error.code).to.equal('payload_too_large');
    });

    it('refuses a body that is not JSON with 415', async () => {
      const token = await issuer.userToken('usr_1');
      const res = await call(server.url, 'POST', '/v1/charges', {
        token,
        rawBody: 'amount=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'k-form' },
      });
      expect(res.status).to.equal(415);
      expect(res.body.error.code).to.equal('unsupported_media_type');
    });

    it('hides internals of an unexpected error behind a 500', async () => {
      const token = await issuer.userToken('usr_1');
      const res = await call(server.url, 'POST', '/v1/charges', {
        token,
        body: { amount: 1, currency: 'usd', outcome: 'crash' },
        headers: { 'idempotency-key': 'k-crash' },
      });
      expect(res.status).to.equal(500);
      expect(res.body.error).to.include({ code: 'internal_error', type: 'api_error' });
      expect(JSON.stringify(res.body)).not.to.contain('hunter2');
    });

    it('returns route-specific errors with their status and param', async () => {
      const res = await call(server.url, 'GET', '/v1/things/thg_missing');
      expect(res.status).to.equal(404);
      expect(res.body.error).to.include({ code: 'thing_not_found', param: 'id' });
    });
  });

  describe('validation', () => {
    let token: string;
    before(async () => {
      token = await issuer.userToken('usr_validation');
    });
    const post = (body: unknown) =>
      call(server.url, 'POST', '/v1/charges', { token, body, headers: { 'idempotency-key': `k-${Math.random()}` } });

    it('names a missing field', async () => {
      const res = await post({ amount: 100 });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.include({ code: 'parameter_missing', param: 'currency' });
    });

    it('names an unknown field', async () => {
      const res = await post({ amount: 100, currency: 'usd', colour: 'red' });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.include({ code: 'parameter_unknown', param: 'colour' });
    });

    it('names a nested invalid field', async () => {
      const res = await post({ amount: 100, currency: 'usd', card: { number: '42' } });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.include({ code: 'parameter_invalid', param: 'card.number' });
    });

    for (const [label, amount] of [
      ['a float', 10.5],
      ['zero', 0],
      ['a negative number', -1],
      ['a string', '100'],
      ['more than 2^53-1', 2 ** 53],
    ] as const) {
      it(`rejects ${label} as amount`, async () => {
        const res = await post({ amount, currency: 'usd' });
        expect(res.status).to.equal(400);
        expect(res.body.error).to.include({ code: 'parameter_invalid', param: 'amount' });
      });
    }

    it('rejects an uppercase or unknown currency', async () => {
      for (const currency of ['USD', 'xyz', 'us']) {
        const res = await post({ amount: 1, currency });
        expect(res.body.error, currency).to.include({ code: 'parameter_invalid', param: 'currency' });
      }
    });

    it('validates path parameters', async () => {
      const res = await call(server.url, 'GET', '/v1/things/nope');
      expect(res.status).to.equal(400);
      expect(res.body.error).to.include({ code: 'parameter_invalid', param: 'id' });
    });
  });

  describe('authentication', () => {
    const body = { amount: 100, currency: 'usd' };

    it('answers a missing token with 401 and a WWW-Authenticate challenge', async () => {
      const res = await call(server.url, 'POST', '/v1/charges', { body, headers: { 'idempotency-key': 'a1' } });
      expect(res.status).to.equal(401);
      expect(res.body.error).to.include({ code: 'authentication_required', type: 'authentication_error' });
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
    });

    it('answers a forged token with 401 invalid_token', async () => {
      for (const token of [issuer.unsignedToken('usr_x'), issuer.hs256WithPublicKey('usr_x'), 'not.a.jwt']) {
        const res = await call(server.url, 'POST', '/v1/charges', {
          body,
          token,
          headers: { 'idempotency-key': 'a2' },
        });
        expect(res.status, token).to.equal(401);
        expect(res.body.error.code).to.equal('invalid_token');
      }
    });

    it('refuses a client token without the required scope with 403 insufficient_scope', async () => {
      const token = await issuer.clientToken('payment-service', ['events:publish']);
      const res = await call(server.url, 'POST', '/v1/charges', { body, token, headers: { 'idempotency-key': 'a3' } });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('insufficient_scope');
    });

    it('accepts a client token with the required scope', async () => {
      const token = await issuer.clientToken('payment-service', ['ledger:write']);
      const res = await call(server.url, 'POST', '/v1/charges', { body, token, headers: { 'idempotency-key': 'a4' } });
      expect(res.status).to.equal(201);
      expect(res.body.caller).to.equal('payment-service');
    });

    it('enforces group membership', async () => {
      const customer = await call(server.url, 'GET', '/v1/admin/report', { token: await issuer.userToken('usr_c') });
      expect(customer.status).to.equal(403);
      const admin = await call(server.url, 'GET', '/v1/admin/report', {
        token: await issuer.userToken('usr_a', { groups: ['admin'] }),
      });
      expect(admin.status).to.equal(200);
    });
  });

  describe('idempotency', () => {
    const charge = (token: string, key: string | undefined, body: unknown) =>
      call(server.url, 'POST', '/v1/charges', { token, body, headers: key ? { 'idempotency-key': key } : {} });

    it('requires the header on money-moving routes', async () => {
      const res = await charge(await issuer.userToken('usr_i0'), undefined, { amount: 1, currency: 'usd' });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.include({ code: 'idempotency_key_missing', param: 'Idempotency-Key' });
    });

    it('replays the stored response for the same key and body, without running the handler again', async () => {
      const token = await issuer.userToken('usr_i1');
      const first = await charge(token, 'key-replay', { amount: 500, currency: 'usd' });
      const before = executions;
      const second = await charge(token, 'key-replay', { currency: 'usd', amount: 500 });
      expect(first.status).to.equal(201);
      expect(second.status).to.equal(201);
      expect(second.body).to.deep.equal(first.body);
      expect(second.text, 'the replay is the first response byte for byte, keys in their order').to.equal(first.text);
      expect(second.headers.get('idempotent-replayed')).to.equal('true');
      expect(executions).to.equal(before);
    });

    it('answers 422 when the key is reused with another body', async () => {
      const token = await issuer.userToken('usr_i2');
      await charge(token, 'key-reuse', { amount: 500, currency: 'usd' });
      const res = await charge(token, 'key-reuse', { amount: 501, currency: 'usd' });
      expect(res.status).to.equal(422);
      expect(res.body.error).to.include({ code: 'idempotency_key_reused', type: 'idempotency_error' });
    });

    it('answers 409 to a concurrent request with the same key, and runs the work once', async () => {
      const token = await issuer.userToken('usr_i3');
      const before = executions;
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          charge(token, 'key-concurrent', { amount: 7, currency: 'usd', outcome: 'slow' }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).to.have.length(1);
      expect(statuses.filter((s) => s === 409)).to.have.length(4);
      expect(results.find((r) => r.status === 409)?.body.error.code).to.equal('idempotency_key_in_use');
      expect(executions - before).to.equal(1);
    });

    it('stores a client error and replays it', async () => {
      const token = await issuer.userToken('usr_i4');
      const first = await charge(token, 'key-decline', { amount: 7, currency: 'usd', outcome: 'decline' });
      expect(first.status).to.equal(402);
      expect(first.body.error).to.include({
        code: 'card_declined',
        type: 'card_error',
        decline_code: 'generic_decline',
      });
      const again = await charge(token, 'key-decline', { amount: 7, currency: 'usd', outcome: 'decline' });
      expect(again.status).to.equal(402);
      expect(again.headers.get('idempotent-replayed')).to.equal('true');
    });

    it('releases the key after a server error so the client can retry', async () => {
      const token = await issuer.userToken('usr_i5');
      const first = await charge(token, 'key-crash', { amount: 7, currency: 'usd', outcome: 'crash' });
      expect(first.status).to.equal(500);
      const count = await db
        .knex('idempotency_keys')
        .where({ key: 'key-crash' })
        .count<{ count: number }[]>('* as count');
      expect(Number(count[0]?.count)).to.equal(0);
    });

    it('does not store validation failures, so the key can be used with a corrected body', async () => {
      const token = await issuer.userToken('usr_i6');
      const bad = await charge(token, 'key-fix', { amount: -1, currency: 'usd' });
      expect(bad.status).to.equal(400);
      const good = await charge(token, 'key-fix', { amount: 1, currency: 'usd' });
      expect(good.status).to.equal(201);
    });

    describe('the response stored in the business transaction', () => {
      const book = (token: string, key: string, outcome: string) =>
        call(server.url, 'POST', '/v1/booked-charges', {
          token,
          body: { amount: 700, outcome },
          headers: { 'idempotency-key': key },
        });
      const stored = async (key: string) =>
        db.knex('idempotency_keys').where({ key }).first('status', 'response_status', 'response_body');

      it('commits with the change and is replayed byte for byte, the handler not run again', async () => {
        const token = await issuer.userToken('usr_b1');
        const first = await book(token, 'book-ok', 'ok');
        expect(first.status).to.equal(201);
        expect(await stored('book-ok')).to.deep.include({ status: 'completed', response_status: 201 });
        const before = executions;
        const again = await book(token, 'book-ok', 'ok');
        expect(again.text).to.equal(first.text);
        expect(again.headers.get('idempotent-replayed')).to.equal('true');
        expect(executions).to.equal(before);
      });

      it('is stored afterwards, as the handler answered, when the business transaction rolled back', async () => {
        const token = await issuer.userToken('usr_b2');
        const first = await book(token, 'book-rollback', 'rolled_back');
        expect(first.body.id).to.match(/_second_try$/);
        expect((await stored('book-rollback'))?.response_body).to.deep.equal(first.body);
        expect((await book(token, 'book-rollback', 'rolled_back')).text).to.equal(first.text);
      });

      it('is what the handler returned, when that differs from what the transaction stored', async () => {
        const token = await issuer.userToken('usr_b3');
        const first = await book(token, 'book-other', 'other_reply');
        expect(first.body.amount).to.equal(0);
        expect((await book(token, 'book-other', 'other_reply')).text).to.equal(first.text);
      });

      it('survives a failure of the handler after the commit: a retry gets the committed response', async () => {
        const token = await issuer.userToken('usr_b4');
        const first = await book(token, 'book-late-failure', 'fails_after_commit');
        expect(first.status).to.equal(402);
        const retry = await book(token, 'book-late-failure', 'fails_after_commit');
        expect(retry.status).to.equal(201);
        expect(retry.body).to.include({ amount: 700 });
        expect(retry.headers.get('idempotent-replayed')).to.equal('true');
      });
    });

    it('scopes keys to the caller', async () => {
      const a = await charge(await issuer.userToken('usr_i7a'), 'shared-key', { amount: 1, currency: 'usd' });
      const b = await charge(await issuer.userToken('usr_i7b'), 'shared-key', { amount: 2, currency: 'usd' });
      expect(a.status).to.equal(201);
      expect(b.status).to.equal(201);
      expect(b.body.id).not.to.equal(a.body.id);
    });

    it('rejects an over-long key', async () => {
      const res = await charge(await issuer.userToken('usr_i8'), 'k'.repeat(256), { amount: 1, currency: 'usd' });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.include({ code: 'parameter_invalid', param: 'Idempotency-Key' });
    });
  });

  describe('operations endpoints', () => {
    it('serves /livez and /readyz, and fails readiness when a dependency is down', async () => {
      expect((await call(server.url, 'GET', '/livez')).status).to.equal(200);
      expect((await call(server.url, 'GET', '/readyz')).status).to.equal(200);
      ready = false;
      const down = await call(server.url, 'GET', '/readyz');
      ready = true;
      expect(down.status).to.equal(503);
      expect(down.body.error.code).to.equal('service_unavailable');
    });

    it('labels request latency by route template, not raw path', async () => {
      await call(server.url, 'GET', '/v1/things/thg_metrics');
      const res = await call(server.url, 'GET', '/metrics');
      expect(res.status).to.equal(200);
      expect(res.body).to.match(
        /http_request_duration_seconds_count\{[^}]*route="\/v1\/things\/:id"[^}]*status_code="200"/,
      );
      expect(res.body).not.to.contain('thg_metrics');
      expect(res.body).to.match(/route="unmatched"[^}]*status_code="404"/);
    });

    it('sets security headers', async () => {
      const res = await call(server.url, 'GET', '/livez');
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('x-powered-by')).to.equal(null);
    });

    it('serves an OpenAPI document built from the route schemas, listing every error code', async () => {
      const res = await call(server.url, 'GET', '/openapi.json');
      const doc = res.body;
      expect(doc.openapi).to.equal('3.1.0');
      const create = doc.paths['/v1/charges'].post;
      const schema = create.requestBody.content['application/json'].schema;
      expect(schema.required).to.include.members(['amount', 'currency']);
      expect(schema.additionalProperties).to.equal(false);
      expect(create.parameters.map((p: { name: string }) => p.name)).to.include('Idempotency-Key');
      const codes = JSON.stringify(create.responses);
      for (const code of [
        'card_declined',
        'idempotency_key_reused',
        'idempotency_key_in_use',
        'parameter_missing',
        'invalid_token',
        'insufficient_scope',
      ]) {
        expect(codes).to.contain(code);
      }
      expect(doc.paths['/v1/things/{id}'].get.responses['404'].description).to.contain('thing_not_found');
    });

    it('fails readiness once shutdown begins', async () => {
      lifecycle.beginShutdown();
      const res = await call(server.url, 'GET', '/readyz');
      expect(res.status).to.equal(503);
    });
  });
});
