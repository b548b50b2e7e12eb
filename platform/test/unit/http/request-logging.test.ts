import { expect } from 'chai';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { auth, createLogger, createServiceApp, defineRoute, Lifecycle, Metrics } from '../../../src';
import { call, listen } from '../../../src/testing';

describe('request logging', () => {
  it('writes one line per request with the request id once, the route template and the status, and no credentials', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      service: 'test',
      destination: new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const app = createServiceApp({
      service: 'test',
      logger,
      metrics: new Metrics('test', { defaultMetrics: false }),
      lifecycle: new Lifecycle(),
      readinessCheck: async () => undefined,
      openapi: { title: 't', version: '1', description: 't' },
      routes: [
        defineRoute({
          method: 'get',
          path: '/v1/things/:id',
          operationId: 'getThing',
          summary: 's',
          tags: ['t'],
          auth: auth.public(),
          request: { params: z.object({ id: z.string() }) },
          responses: { 200: { description: 'ok' } },
          async handler({ params }) {
            logger.info({ thing: params.id }, 'looked up');
            return { status: 200, body: { id: params.id } };
          },
        }),
      ],
    });
    const server = await listen(app);
    try {
      await call(server.url, 'GET', '/v1/things/thg_1', {
        headers: { 'x-request-id': 'req-log-1', authorization: 'Bearer secret-value' },
      });
    } finally {
      await server.close();
    }
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const inside = entries.find((e) => e.message === 'looked up');
    expect(inside).to.include({ request_id: 'req-log-1', thing: 'thg_1' });
    const requestLines = entries.filter((e) => e.message === 'request completed');
    expect(requestLines).to.have.length(1);
    expect(requestLines[0]).to.include({ request_id: 'req-log-1', route: '/v1/things/:id' });
    expect(requestLines[0]!.req).to.deep.include({ method: 'GET', url: '/v1/things/thg_1' });
    expect(requestLines[0]!.res).to.deep.equal({ status_code: 200 });
    const raw = lines.find((l) => l.includes('request completed'))!;
    expect(raw.match(/"request_id"/g)).to.have.length(1);
    expect(lines.join('')).not.to.contain('secret-value');
  });
});
