import { gzipSync, deflateSync } from 'node:zlib';
import { expect } from 'chai';
import { z } from 'zod';
import { auth, createServiceApp, defineRoute, Lifecycle, Metrics, metadataSchema } from '../../src';
import { call, listen, testLogger, type Listening } from '../../src/testing';

/** Requests as raw bytes: fetch would refuse some of these (a malformed URL, a bad body encoding). */
async function raw(
  base: string,
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { error?: Record<string, unknown> } }> {
  const { request } = await import('node:http');
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...headers, 'content-length': body?.length ?? 0 },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('hostile input: every bad request is a 4xx with the error body, and reaches no handler', () => {
  let server: Listening;
  const stored: unknown[] = [];

  before(async () => {
    const Note = z.strictObject({
      description: z.string().max(500).optional(),
      metadata: metadataSchema.optional(),
      tags: z.array(z.string()).optional(),
    });
    const routes = [
      defineRoute({
        method: 'post',
        path: '/v1/notes/:id',
        operationId: 'putNote',
        summary: 'Store a note',
        tags: ['notes'],
        auth: auth.public(),
        request: { params: z.object({ id: z.string().max(64) }), body: Note },
        responses: { 200: { description: 'Stored' } },
        async handler({ params, body }) {
          stored.push({ params, body });
          return { status: 200, body: { ok: true } };
        },
      }),
    ];
    const app = createServiceApp({
      service: 'hostile-test',
      logger: testLogger(),
      metrics: new Metrics('hostile-test', { defaultMetrics: false }),
      lifecycle: new Lifecycle(),
      readinessCheck: async () => undefined,
      openapi: { title: 'hostile', version: '1', description: 'test' },
      routes,
    });
    server = await listen(app);
  });
  after(() => server.close());
  beforeEach(() => (stored.length = 0));

  const json = { 'content-type': 'application/json' };

  it('refuses NUL characters and lone surrogates in strings and keys, naming the field', async () => {
    const cases: [string, string][] = [
      ['{"description":"a\\u0000b"}', 'description'],
      ['{"metadata":{"k":"v\\u0000"}}', 'metadata.k'],
      ['{"metadata":{"k\\u0000":"v"}}', 'metadata'],
      ['{"metadata":{"k":"\\ud800"}}', 'metadata.k'],
      ['{"description":"\\udc00x"}', 'description'],
      ['{"tags":["ok","\\ud800"]}', 'tags[1]'],
    ];
    for (const [text, param] of cases) {
      const res = await call(server.url, 'POST', '/v1/notes/n1', { rawBody: text, headers: json });
      expect(res.status, text).to.equal(400);
      expect(res.body.error, text).to.include({ code: 'parameter_invalid', param });
    }
    // A well-formed pair (an emoji) is fine.
    const ok = await call(server.url, 'POST', '/v1/notes/n1', { body: { description: 'pay \ud83d\udcb8' } });
    expect(ok.status).to.equal(200);
    expect(stored).to.have.length(1);
  });

  it('refuses a __proto__ key instead of dropping it', async () => {
    const res = await call(server.url, 'POST', '/v1/notes/n1', {
      rawBody: '{"metadata":{"__proto__":{"admin":"true"}}}',
      headers: json,
    });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.include({ code: 'parameter_invalid', param: 'metadata' });
    expect(stored).to.deep.equal([]);
  });

  it('refuses a path id that is not valid percent-encoding, or that decodes to NUL', async () => {
    for (const id of ['%', '%zz', '%E0%A4%A', '%00', '%ED%A0%80']) {
      const res = await raw(server.url, 'POST', `/v1/notes/${id}`, Buffer.from('{}'), json);
      expect(res.status, id).to.equal(400);
      expect(res.body.error, id).to.include({ code: 'parameter_invalid' });
    }
    expect(stored).to.deep.equal([]);
  });

  it('refuses corrupt gzip and deflate bodies', async () => {
    const valid = gzipSync(Buffer.from('{"description":"hi"}'));
    const bodies: [string, Buffer][] = [
      ['gzip', Buffer.from('not gzip at all')],
      ['gzip', valid.subarray(0, valid.length - 8)],
      ['deflate', Buffer.from('garbage garbage')],
      ['deflate', deflateSync(Buffer.from('{"description":"hi"}')).subarray(0, 6)],
    ];
    for (const [encoding, body] of bodies) {
      const res = await raw(server.url, 'POST', '/v1/notes/n1', body, { ...json, 'content-encoding': encoding });
      expect(res.status, encoding).to.equal(400);
      expect(res.body.error, encoding).to.include({ code: 'invalid_json' });
    }
    const ok = await raw(server.url, 'POST', '/v1/notes/n1', valid, { ...json, 'content-encoding': 'gzip' });
    expect(ok.status).to.equal(200);
    expect(stored).to.have.length(1);
  });

  it('answers 431 with the error body when the headers are larger than Node accepts', async () => {
    const res = await raw(server.url, 'GET', '/v1/notes/n1', undefined, { 'x-big': 'a'.repeat(20_000) });
    expect(res.status).to.equal(431);
    expect(res.body.error).to.include({ code: 'headers_too_large' });
  });
});
