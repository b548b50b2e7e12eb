import { createTokenVerifier, type TokenVerifier } from '@micropay/platform';
import { call, startTestApp, type TestApp } from '@micropay/platform/testing';
import { createApp } from '../../src/app';
import { configSchema } from '../../src/config';
import { migrations } from '../../src/data/migrations';
import { createDependencies, type Dependencies, type DependencyOverrides } from '../../src/dependencies';

export const TEST_ISSUER = 'http://auth.test';
export const PAYMENT_CLIENT = {
  client_id: 'payment-service',
  client_secret: 'p'.repeat(40),
  scopes: ['ledger:write', 'ledger:read', 'events:publish'],
};

export const EVENTS_CLIENT = {
  client_id: 'notification-service',
  client_secret: 'n'.repeat(40),
  scopes: ['events:publish'],
};

export type AuthTestApp = TestApp<Dependencies> & { verifier(): TokenVerifier };

/** auth-service as it runs in production, on a test database, served on a free port. */
export async function startAuthTestApp(
  env: Record<string, string> = {},
  overrides: DependencyOverrides = {},
): Promise<AuthTestApp> {
  const app = await startTestApp({
    service: 'auth-service',
    configSchema,
    migrations,
    issuer: false, // auth-service is the issuer
    env: {
      AUTH_ISSUER: TEST_ISSUER,
      OAUTH_CLIENTS: JSON.stringify([PAYMENT_CLIENT, EVENTS_CLIENT]),
      // Every test request comes from 127.0.0.1: the limit has its own test with a low value.
      AUTH_RATE_LIMIT_MAX: '100000',
      ...env,
    },
    createDependencies: (infra) => createDependencies(infra, overrides),
    createApp,
  });
  return Object.assign(app, {
    verifier: () => createTokenVerifier({ issuer: TEST_ISSUER, jwksUrl: `${app.url}/.well-known/jwks.json` }),
  });
}

/** Registers a user and logs in; returns the user id and the token set. */
export async function registerAndLogin(url: string, options: { password?: string; label?: string } = {}) {
  const email = uniqueEmail(options.label);
  const password = options.password ?? 'correct horse battery';
  const registered = await call(url, 'POST', '/v1/auth/register', { body: { email, password } });
  if (registered.status !== 201)
    throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  const login = await call(url, 'POST', '/v1/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  return {
    userId: registered.body.id as string,
    email,
    password,
    tokens: login.body as { access_token: string; id_token: string; refresh_token: string },
  };
}

let counter = 0;
/** A unique email per call, so tests never depend on each other's users. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}.${Date.now()}.${counter}@example.com`;
}
