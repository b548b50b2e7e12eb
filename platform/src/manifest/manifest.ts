import { z } from 'zod';
import data from './services.json';

/**
 * What services.json says, checked when it is loaded: a typo in the one list of services must
 * stop everything that reads it, not route a path to a service that does not exist.
 */
const ServiceSchema = z.strictObject({
  name: z.string().regex(/^[a-z]+-service$/),
  description: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** The PostgreSQL schema the service owns; no other service reads it. */
  schema: z.string().regex(/^[a-z_]+$/),
  /** Peers it calls over HTTP through discovery (the token issuer aside: see tokenIssuer). */
  calls: z.array(z.string()),
  /** Scopes its client-credentials token may carry. */
  clientScopes: z.array(z.string()),
  /** Event types it writes to its outbox, and the ones it consumes. */
  publishes: z.array(z.string()),
  consumes: z.array(z.string()),
});

const RouteSchema = z.strictObject({
  /** A path prefix: the path itself and everything below it. */
  prefix: z.string().regex(/^\/[\w./-]*[^/]$/),
  service: z.string(),
  /** Exact paths served without a token, or `true` for the whole prefix. */
  public: z.union([z.literal(true), z.array(z.string())]),
});

const ManifestSchema = z
  .strictObject({
    $comment: z.string(),
    gateway: z.strictObject({ port: z.number().int() }),
    /** Every other service fetches its signing keys (JWKS), and peers callers their client tokens. */
    tokenIssuer: z.string(),
    services: z.array(ServiceSchema).min(1),
    /** The sandbox provider: not a service (no schema, no chart of its own), routed only where it runs. */
    sandbox: z.strictObject({
      port: z.number().int().min(1).max(65535),
      description: z.string().min(1),
      routes: z.array(RouteSchema.omit({ service: true })),
    }),
    routes: z.array(RouteSchema),
  })
  .superRefine((m, ctx) => {
    const names = new Set(m.services.map((s) => s.name));
    const unknown = (name: string, path: (string | number)[]) => {
      if (!names.has(name)) ctx.addIssue({ code: 'custom', message: `unknown service ${name}`, path });
    };
    unknown(m.tokenIssuer, ['tokenIssuer']);
    m.services.forEach((s, i) => s.calls.forEach((peer, j) => unknown(peer, ['services', i, 'calls', j])));
    m.routes.forEach((r, i) => {
      unknown(r.service, ['routes', i, 'service']);
      if (r.public !== true && r.public.some((p) => p !== r.prefix && !p.startsWith(`${r.prefix}/`))) {
        ctx.addIssue({ code: 'custom', message: `public paths must lie under ${r.prefix}`, path: ['routes', i] });
      }
    });
  });

export type ServiceManifest = z.output<typeof ServiceSchema>;
export type PublicRoute = z.output<typeof RouteSchema>;

const manifest = ManifestSchema.parse(data);

/** Every MicroPay service, in start order (auth-service first: the others fetch its keys). */
export const SERVICES: readonly ServiceManifest[] = manifest.services;
export const SERVICE_NAMES: readonly string[] = SERVICES.map((s) => s.name);

/** The sandbox provider's port and the public routes the gateway sends it, where it runs. */
export const SANDBOX = {
  port: manifest.sandbox.port,
  routes: manifest.sandbox.routes.map((r) => ({ ...r, service: 'sandbox' })) as PublicRoute[],
};

/** The local gateway's port (API Gateway's place on one machine). */
export const GATEWAY_PORT = manifest.gateway.port;

/** The service that issues tokens and publishes the keys every other service verifies them with. */
export const TOKEN_ISSUER = manifest.tokenIssuer;

/** The public API: path prefix → the service that serves it, and which paths need no token. */
export const PUBLIC_ROUTES: readonly PublicRoute[] = manifest.routes;

export function serviceManifest(name: string): ServiceManifest {
  const found = SERVICES.find((s) => s.name === name);
  if (!found) throw new Error(`${name} is not in platform/src/manifest/services.json`);
  return found;
}

/** `transaction-service` → `TRANSACTION_SERVICE`, the stem of its environment variables. */
export function envStem(service: string): string {
  return service.replace(/-/g, '_').toUpperCase();
}

/** `<PEER>_SERVICE_URL`: where a peer is found without Cloud Map (Kubernetes DNS, or local ports). */
export function peerUrlVariable(service: string): string {
  return `${envStem(service)}_URL`;
}

/** Services that call `name` (who a NetworkPolicy must let in): every other one calls the token issuer. */
export function callersOf(name: string): string[] {
  return SERVICES.filter((s) => s.name !== name && (name === TOKEN_ISSUER || s.calls.includes(name))).map(
    (s) => s.name,
  );
}

/** Services that consume an event type `producer` publishes: where HTTP push delivers its events. */
export function eventSubscribersOf(producer: string): string[] {
  const publishes = new Set(serviceManifest(producer).publishes);
  return SERVICES.filter((s) => s.name !== producer && s.consumes.some((t) => publishes.has(t))).map((s) => s.name);
}

/** The public route serving `path`, if any; anything else (such as /internal/*) is not reachable from outside. */
export function matchPublicRoute(path: string): PublicRoute | undefined {
  return PUBLIC_ROUTES.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
}

/** Whether `path` of `route` is served without a token. */
export function isPublicPath(route: PublicRoute, path: string): boolean {
  return route.public === true || route.public.includes(path.replace(/\/+$/, ''));
}
