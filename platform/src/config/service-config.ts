import os from 'node:os';
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
    TRUSTED_PROXIES: trustedProxiesEnv(),
    ...peerUrlsEnv(service),
    ...cloudMapEnv(service),
  };
}

/**
 * Whose `X-Forwarded-For` entries are believed (docs/operations.md): a number is how many proxies
 * stand in front of the service (`2` behind API Gateway → ALB; each appends the address it saw,
 * so only the entry the outermost one wrote is the client, whatever the client sent before it);
 * otherwise a comma-separated list of addresses, CIDRs or `loopback` for proxies no client can
 * impersonate. The default trusts the local gateway on loopback and nothing else.
 */
export type TrustProxy = number | string[];

function trustedProxiesEnv() {
  return z
    .string()
    .default('loopback')
    .transform((v): TrustProxy =>
      /^\d+$/.test(v.trim())
        ? Number(v.trim())
        : v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    );
}

/**
 * AWS Cloud Map (docs/deploy.md, "Discovery"): unset `CLOUD_MAP_NAMESPACE` means peers are found
 * only through `<PEER>_SERVICE_URL`. The chart passes the namespace, the service and `POD_IP`.
 */
function cloudMapEnv(service: string) {
  return {
    CLOUD_MAP_NAMESPACE: z.string().min(1).optional(),
    CLOUD_MAP_SERVICE: z.string().min(1).default(service),
    /** Seconds-scale: how long a peer's instances are used before a background refresh. */
    CLOUD_MAP_CACHE_TTL_MS: env.int(5000),
    /** How often readiness is reported as the instance's custom health status. */
    CLOUD_MAP_HEALTH_INTERVAL_MS: env.int(10_000, 100),
    /** The SDK's standard endpoint override (a fake Cloud Map in tests). */
    AWS_ENDPOINT_URL_SERVICEDISCOVERY: env.url().optional(),
    AWS_REGION: z.string().min(1).optional(),
    POD_IP: z.union([z.ipv4(), z.ipv6()]).optional(),
    /** The instance id: the pod name in Kubernetes, else the host name. */
    POD_NAME: z.string().min(1).optional(),
    HOSTNAME: z.string().min(1).optional(),
    /** Registered as the instance's `version` attribute (the image tag). */
    SERVICE_VERSION: z.string().min(1).default('dev'),
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
  /** auth-service's revocation list (`…/internal/revocations`, ADR 0009); unset: logouts are seen only at token expiry. */
  AUTH_REVOCATIONS_URL: env.url().optional(),
  /** How often the revocation list is refreshed: a logout is refused everywhere within about this long. */
  AUTH_REVOCATIONS_REFRESH_MS: env.int(2000, 100),
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
  http: { host: string; port: number; trustProxy: TrustProxy };
  log: { level: string };
  database: { url?: string; poolMax: number; dataDir: string; schema: string; migrateOnStart: boolean };
  shutdownTimeoutMs: number;
  discovery: DiscoveryConfig;
}

export interface DiscoveryConfig {
  /** `<PEER>_SERVICE_URL` of each peer: the whole answer without Cloud Map, the fallback with it. */
  peers: Record<string, string>;
  cloudMap?: {
    namespace: string;
    service: string;
    instanceId: string;
    /** Unset outside a pod: the process discovers peers but does not register itself. */
    ipv4?: string;
    port: number;
    version: string;
    region?: string;
    endpoint?: string;
    cacheTtlMs: number;
    healthIntervalMs: number;
  };
}

export function baseConfig(e: ServiceEnv, service: string): BaseConfig {
  const { schema } = serviceManifest(service);
  return {
    service,
    environment: e.NODE_ENV,
    http: { host: e.HOST, port: e.PORT, trustProxy: e.TRUSTED_PROXIES },
    log: { level: e.LOG_LEVEL },
    database: {
      url: e.DATABASE_URL,
      poolMax: e.DATABASE_POOL_MAX,
      dataDir: path.resolve(e.MICROPAY_DATA_DIR, service),
      schema,
      migrateOnStart: e.MIGRATE_ON_START,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    discovery: {
      peers: peerUrls(e, service),
      cloudMap: e.CLOUD_MAP_NAMESPACE
        ? {
            namespace: e.CLOUD_MAP_NAMESPACE,
            service: e.CLOUD_MAP_SERVICE,
            instanceId: e.POD_NAME ?? e.HOSTNAME ?? os.hostname(),
            ipv4: e.POD_IP,
            port: e.PORT,
            version: e.SERVICE_VERSION,
            region: e.AWS_REGION,
            endpoint: e.AWS_ENDPOINT_URL_SERVICEDISCOVERY,
            cacheTtlMs: e.CLOUD_MAP_CACHE_TTL_MS,
            healthIntervalMs: e.CLOUD_MAP_HEALTH_INTERVAL_MS,
          }
        : undefined,
    },
  };
}

export function verifierConfig(e: z.output<z.ZodObject<typeof verifierEnv>>) {
  return {
    issuer: e.AUTH_ISSUER,
    jwksUrl: e.AUTH_JWKS_URL,
    clientIds: e.AUTH_CLIENT_IDS,
    scopePrefix: e.AUTH_SCOPE_PREFIX,
    revocationsUrl: e.AUTH_REVOCATIONS_URL,
    revocationsRefreshMs: e.AUTH_REVOCATIONS_REFRESH_MS,
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
