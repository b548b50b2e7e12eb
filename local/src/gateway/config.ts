import { z } from 'zod';
import { env, GATEWAY_PORT, peerUrlVariable, SERVICES, serviceManifest, TOKEN_ISSUER } from '@micropay/platform';

/** `<SERVICE>_SERVICE_URL` of every service in the manifest: where the gateway forwards its routes. */
const upstreamEnv = Object.fromEntries(
  SERVICES.map((s) => [peerUrlVariable(s.name), env.url().default(`http://127.0.0.1:${s.port}`)]),
);

export const gatewayConfigSchema = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: env.port(GATEWAY_PORT),
    LOG_LEVEL: env.logLevel(),
    AUTH_ISSUER: env.url().default(`http://127.0.0.1:${GATEWAY_PORT}`),
    AUTH_JWKS_URL: env.url().default(`http://127.0.0.1:${serviceManifest(TOKEN_ISSUER).port}/.well-known/jwks.json`),
    /** auth-service's revocation list (ADR 0009): the authorizer refuses logged-out tokens too. */
    AUTH_REVOCATIONS_URL: env.url().optional(),
    AUTH_REVOCATIONS_REFRESH_MS: env.int(2000, 100),
    ...upstreamEnv,
    /** Where the sandbox provider runs; unset, its /v1/sandbox routes answer 404. */
    SANDBOX_URL: env.url().optional(),
    SHUTDOWN_TIMEOUT_MS: env.int(10_000),
    /** A frozen service gets 504 upstream_timeout after this long, not a request held open. */
    GATEWAY_UPSTREAM_TIMEOUT_MS: env.int(10_000, 100),
  })
  .transform((e) => ({
    http: { host: e.HOST, port: e.PORT },
    log: { level: e.LOG_LEVEL },
    auth: {
      issuer: e.AUTH_ISSUER,
      jwksUrl: e.AUTH_JWKS_URL,
      revocationsUrl: e.AUTH_REVOCATIONS_URL,
      revocationsRefreshMs: e.AUTH_REVOCATIONS_REFRESH_MS,
    },
    upstreams: {
      ...Object.fromEntries(
        SERVICES.map((s) => [s.name, String((e as Record<string, unknown>)[peerUrlVariable(s.name)])]),
      ),
      ...(e.SANDBOX_URL ? { sandbox: e.SANDBOX_URL } : {}),
    } as Record<string, string>,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    upstreamTimeoutMs: e.GATEWAY_UPSTREAM_TIMEOUT_MS,
  }));

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
