import http from 'node:http';
import { expect } from 'chai';
import fc from 'fast-check';
import { SERVICE_NAMES } from '@micropay/platform';
import { call } from '@micropay/platform/testing';
import { eventually, newCustomer, payByCard, useE2eStack, type Customer, type E2eStack } from '../support';
import { arbitraries, operationsOf, type FuzzRequest } from './openapi-arbitraries';

/** Raw HTTP, so malformed escapes and corrupt bodies reach the server exactly as generated. */
function send(base: string, req: FuzzRequest): Promise<{ status: number; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: { ...req.headers, 'content-length': req.body?.length ?? 0 },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

/** What a funded user can see of their own money; the fuzzing must not change any of it. */
async function snapshot(stack: E2eStack, who: Customer) {
  const get = async (path: string) => {
    const res = await call(stack.gateway, 'GET', path, { token: who.token });
    return { status: res.status, body: res.body as unknown };
  };
  return {
    wallet: await get(`/v1/accounts/${who.wallet}`),
    transfers: await get(`/v1/accounts/${who.wallet}/transfers?limit=100`),
    payments: await get('/v1/payments?limit=100'),
    notifications: await get('/v1/notifications?limit=100'),
  };
}

describe('fuzz: every route of every OpenAPI document, through the gateway and on the service ports', function () {
  this.timeout(600_000);
  const stack = useE2eStack();

  it('answers no request with a 5xx, gives every 4xx the error body, and leaves a funded user untouched', async () => {
    const victim = await newCustomer(stack(), 'victim');
    const paid = await payByCard(stack(), victim, 5000);
    expect(paid.status).to.equal(201);
    // The payment's in-app notification and email receipt arrive after it: let them land first.
    await eventually(async () => {
      const res = await call(stack().gateway, 'GET', '/v1/notifications?limit=100', { token: victim.token });
      const channels = ((res.body.data ?? []) as { channel: string }[]).map((n) => n.channel);
      return channels.includes('in_app') && channels.includes('email') ? channels : undefined;
    }, 60_000);
    const attacker = await newCustomer(stack(), 'attacker');
    const before = await snapshot(stack(), victim);
    const known = [victim.wallet, victim.email, paid.body.id as string, attacker.wallet];

    const outcomes = new Map<number, number>();
    const failures: string[] = [];
    for (const service of SERVICE_NAMES) {
      const doc = await call(stack().services[service]!, 'GET', '/openapi.json');
      expect(doc.status, service).to.equal(200);
      const { request } = arbitraries(doc.body, known);
      for (const op of operationsOf(doc.body)) {
        const bases = op.path.startsWith('/internal')
          ? [stack().services[service]!]
          : [stack().gateway, stack().services[service]!];
        for (const base of bases) {
          await fc.assert(
            fc.asyncProperty(request(op, [attacker.token]), async (req) => {
              const res = await send(base, req);
              outcomes.set(res.status, (outcomes.get(res.status) ?? 0) + 1);
              const where = `${req.method} ${base}${req.path} ${req.body?.toString('utf8').slice(0, 200) ?? ''}`;
              if (res.status >= 500) failures.push(`${res.status} ${where} → ${res.text.slice(0, 200)}`);
              if (res.status >= 400) {
                const body = JSON.parse(res.text) as { error?: { code?: unknown; request_id?: unknown } };
                if (typeof body.error?.code !== 'string' || typeof body.error.request_id !== 'string')
                  failures.push(`${res.status} without the error body: ${where} → ${res.text.slice(0, 200)}`);
              }
            }),
            { numRuns: 12 },
          );
        }
      }
    }
    process.stdout.write(
      `      fuzz outcomes: ${[...outcomes]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(', ')}\n`,
    );
    expect(failures, failures.slice(0, 10).join('\n')).to.deep.equal([]);
    expect(await snapshot(stack(), victim)).to.deep.equal(before);

    const ledger = await call(stack().gateway, 'GET', '/v1/ledger/verify', {
      token: await stack().serviceToken('payment-service', ['ledger:read']),
    });
    expect(ledger.body.ok, JSON.stringify(ledger.body)).to.equal(true);
  });
});
