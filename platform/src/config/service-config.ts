import path from 'node:path';
import { z } from 'zod';
import { peerUrlVariable, serviceManifest } from '../manifest/manifest';
import { env } from './load-config';

/**
 * Environment keys every service reads. Services spread these into their own schema and add
 * what is theirs; `baseConfig` turns the parsed keys into the shape the platform expects. The
 * default port is the service's own in the manifest.
 */
export function serviceEnv(service: string) {
  return {
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: env.port(serviceManifest(service).port),
    LOG_LEVEL: env.logLevel(),
    DATABASE_URL: env.postgresUrl().optional(),
    DATABASE_POOL_MAX: env.int(10, 1),
    MICROPAY_DATA_DIR: z.string().min(1).default('.micropay'),
    MIGRATE_ON_START: env.bool(true),
    SHUTDOWN_TIMEOUT_MS: env.int(10_000),
  };
}

/** Keys of services that verify access tokens (all of them but the issuer itself). */
export const verifierEnv = {
  AUTH_ISSUER: env.url().default('http://127.0.0.1:8080'),
  AUTH_JWKS_URL: env.url().default('http://127.0.0.1:8081/.well-known/jwks.json'),
  /** Cognito: the app and service client ids whose tokens are accepted (unset: any client of the issuer). */
  AUTH_CLIENT_IDS: env.list().optional(),
  /** Cognito: resource-server prefix of custom scopes (`micropay/` in `micropay/ledger:write`). */
  AUTH_SCOPE_PREFIX: z
    .string()
    .regex(/^[\w.:-]+\/$/, 'must end with "/", such as micropay/')
    .optional(),
};

/** Keys of services that call peers with their own client-credentials token. */
export const clientCredentialsEnv = {
  OAUTH_TOKEN_URL: env.url().default('http://127.0.0.1:8081/oauth2/token'),
  OAUTH_CLIENT_ID: z.string().min(1),
  OAUTH_CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters'),
};

type ServiceEnv = z.output<z.ZodObject<ReturnType<typeof serviceEnv>>>;

export interface BaseConfig {
  service: string;
  environment: 'development' | 'test' | 'production';
  http: { host: string; port: number };
  log: { level: string };
  database: { url?: string; poolMax: number; dataDir: string; schema: string; migrateOnStart: boolean };
  shutdownTimeoutMs: number;
}

export function baseConfig(e: ServiceEnv, service: string): BaseConfig {
  const { schema } = serviceManifest(service);
  return {
    service,
    environment: e.NODE_ENV,
    http: { host: e.HOST, port: e.PORT },
    log: { level: e.LOG_LEVEL },
    database: {
      url: e.DATABASE_URL,
      poolMax: e.DATABASE_POOL_MAX,
      dataDir: path.resolve(e.MICROPAY_DATA_DIR, service),
      schema,
      migrateOnStart: e.MIGRATE_ON_START,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}

export function verifierConfig(e: z.output<z.ZodObject<typeof verifierEnv>>) {
  return {
    issuer: e.AUTH_ISSUER,
    jwksUrl: e.AUTH_JWKS_URL,
    clientIds: e.AUTH_CLIENT_IDS,
    scopePrefix: e.AUTH_SCOPE_PREFIX,
  };
}

export function clientCredentialsConfig(e: z.output<z.ZodObject<typeof clientCredentialsEnv>>) {
  return { tokenUrl: e.OAUTH_TOKEN_URL, clientId: e.OAUTH_CLIENT_ID, clientSecret: e.OAUTH_CLIENT_SECRET };
}

/**
 * `<PEER>_SERVICE_URL` for each peer the manifest says `service` calls, defaulting to the peer's
 * local port: where a peer is found without Cloud Map (Kubernetes DNS in a cluster).
 */
export function peerUrlsEnv(service: string): Record<string, z.ZodDefault<ReturnType<typeof env.url>>> {
  return Object.fromEntries(
    serviceManifest(service).calls.map((peer) => [
      peerUrlVariable(peer),
      env.url().default(`http://127.0.0.1:${serviceManifest(peer).port}`),
    ]),
  );
}

/** The parsed `peerUrlsEnv` keys, by peer name. */
export function peerUrls(e: Record<string, unknown>, service: string): Record<string, string> {
  return Object.fromEntries(serviceManifest(service).calls.map((peer) => [peer, String(e[peerUrlVariable(peer)])]));
}
