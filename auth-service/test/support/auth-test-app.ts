import { createTokenVerifier, loadConfig, type Database } from '@micropay/platform';
import { listen, type Listening, openTestDatabase, testInfrastructure } from '@micropay/platform/testing';
import { createApp } from '../../src/app';
import { configSchema } from '../../src/config';
import { migrations } from '../../src/data/migrations';
import { createDependencies, type Dependencies } from '../../src/dependencies';

export const TEST_ISSUER = 'http://auth.test';
export const PAYMENT_CLIENT = { client_id: 'payment-service', client_secret: 'p'.repeat(40), scopes: ['ledger:write', 'ledger:read', 'events:publish'] };

export interface AuthTestApp {
  url: string;
  deps: Dependencies;
  db: Database;
  server: Listening;
  verifier(): ReturnType<typeof createTokenVerifier>;
  close(): Promise<void>;
}

/** auth-service as it runs in production, on a test database, served on a free port. */
export async function startAuthTestApp(env: Record<string, string> = {}): Promise<AuthTestApp> {
  const config = loadConfig(configSchema, {
    AUTH_ISSUER: TEST_ISSUER,
    OAUTH_CLIENTS: JSON.stringify([PAYMENT_CLIENT]),
    ...env,
  });
  const db = await openTestDatabase('auth', migrations);
  const deps = createDependencies({ config, ...testInfrastructure('auth-service', db) });
  const server = await listen(createApp(deps));
  return {
    url: server.url,
    deps,
    db,
    server,
    verifier: () => createTokenVerifier({ issuer: TEST_ISSUER, jwksUrl: `${server.url}/.well-known/jwks.json` }),
    async close() {
      await server.close();
      await db.close();
    },
  };
}

let counter = 0;
/** A unique email per call, so tests never depend on each other's users. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}.${Date.now()}.${counter}@example.com`;
}
