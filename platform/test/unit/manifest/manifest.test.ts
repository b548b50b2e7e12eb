import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import {
  callersOf,
  eventSubscribersOf,
  isPublicPath,
  loadConfig,
  matchPublicRoute,
  peerUrls,
  peerUrlsEnv,
  peerUrlVariable,
  SERVICE_NAMES,
  serviceManifest,
  TOKEN_ISSUER,
} from '../../../src';
import { z } from 'zod';

const ROOT = path.resolve(__dirname, '../../../..');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));

describe('the service manifest (platform/src/manifest/services.json)', () => {
  it('names each service after its folder, with a composition root, a build config and a unique port and schema', () => {
    const ports = new Set<number>();
    const schemas = new Set<string>();
    for (const name of SERVICE_NAMES) {
      const s = serviceManifest(name);
      expect(existsSync(path.join(ROOT, name, 'src', 'main.ts')), `${name}/src/main.ts`).to.equal(true);
      expect(existsSync(path.join(ROOT, name, 'tsconfig.build.json')), `${name}/tsconfig.build.json`).to.equal(true);
      expect(readJson(`${name}/package.json`).name).to.equal(name);
      ports.add(s.port);
      schemas.add(s.schema);
    }
    expect(ports.size).to.equal(SERVICE_NAMES.length);
    expect(schemas.size).to.equal(SERVICE_NAMES.length);
  });

  it('is what npm workspaces and the TypeScript build reference, so a new service cannot be half added', () => {
    expect(readJson('package.json').workspaces).to.include.members(['platform', ...SERVICE_NAMES]);
    const references = (readJson('tsconfig.json').references as { path: string }[]).map((r) =>
      path.dirname(path.normalize(r.path)),
    );
    // local builds too: the sandbox provider's image runs its compiled code.
    expect(references).to.have.members(['platform', ...SERVICE_NAMES, 'local']);
  });

  it('tells who calls whom: everyone calls the token issuer, payment-service the ledger', () => {
    expect(callersOf(TOKEN_ISSUER)).to.have.members(SERVICE_NAMES.filter((n) => n !== TOKEN_ISSUER));
    expect(callersOf('transaction-service')).to.deep.equal(['payment-service']);
    expect(callersOf('payment-service')).to.not.include('payment-service');
  });

  it('derives event subscribers from what each service publishes and consumes', () => {
    expect(eventSubscribersOf('payment-service')).to.deep.equal(['notification-service']);
    expect(eventSubscribersOf('notification-service')).to.deep.equal([]);
  });

  it('gives each peer a <PEER>_SERVICE_URL defaulting to its local port', () => {
    const schema = z.object(peerUrlsEnv('payment-service'));
    const parsed = loadConfig(schema, { NOTIFICATION_SERVICE_URL: 'http://notification-service:8084' });
    expect(peerUrls(parsed, 'payment-service')).to.deep.equal({
      'transaction-service': `http://127.0.0.1:${serviceManifest('transaction-service').port}`,
      'notification-service': 'http://notification-service:8084',
    });
    expect(peerUrlVariable('transaction-service')).to.equal('TRANSACTION_SERVICE_URL');
  });

  it('routes public paths by prefix, never a lookalike, and knows which need no token', () => {
    expect(matchPublicRoute('/v1/payments/pay_1')?.service).to.equal('payment-service');
    expect(matchPublicRoute('/v1/paymentsX')).to.equal(undefined);
    expect(matchPublicRoute('/internal/events')).to.equal(undefined);
    const auth = matchPublicRoute('/v1/auth/login')!;
    expect(isPublicPath(auth, '/v1/auth/login')).to.equal(true);
    expect(isPublicPath(auth, '/v1/auth/login/')).to.equal(true);
    expect(isPublicPath(auth, '/v1/auth/me')).to.equal(false);
    expect(isPublicPath(matchPublicRoute('/.well-known/jwks.json')!, '/.well-known/jwks.json')).to.equal(true);
  });

  it('refuses to name a service that is not in it', () => {
    expect(() => serviceManifest('billing-service')).to.throw(/not in platform\/src\/manifest\/services.json/);
  });
});
