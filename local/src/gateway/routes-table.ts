/**
 * What the local gateway exposes, the same table the Kubernetes Ingress and API Gateway use:
 * path prefix → service, and which paths are public (no JWT authorizer). Anything else, such
 * as /internal/* or /v1/system-accounts, is not reachable from outside.
 */
export interface GatewayRoute {
  prefix: string;
  service: 'auth-service' | 'transaction-service' | 'payment-service' | 'notification-service';
  /** Exact paths (or the whole prefix with `true`) served without a token. */
  public: true | string[];
}

export const GATEWAY_ROUTES: GatewayRoute[] = [
  {
    prefix: '/v1/auth',
    service: 'auth-service',
    public: ['/v1/auth/register', '/v1/auth/login', '/v1/auth/refresh', '/v1/auth/confirm'],
  },
  { prefix: '/.well-known', service: 'auth-service', public: true },
  { prefix: '/oauth2/token', service: 'auth-service', public: true },
  { prefix: '/v1/accounts', service: 'transaction-service', public: [] },
  { prefix: '/v1/transfers', service: 'transaction-service', public: [] },
  { prefix: '/v1/ledger', service: 'transaction-service', public: [] },
  { prefix: '/v1/payments', service: 'payment-service', public: [] },
  { prefix: '/v1/refunds', service: 'payment-service', public: [] },
  { prefix: '/v1/provider-webhooks', service: 'payment-service', public: true },
  { prefix: '/v1/notifications', service: 'notification-service', public: [] },
  { prefix: '/v1/webhook-endpoints', service: 'notification-service', public: [] },
];

export function matchRoute(path: string): GatewayRoute | undefined {
  return GATEWAY_ROUTES.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
}

export function isPublic(route: GatewayRoute, path: string): boolean {
  return route.public === true || route.public.includes(path.replace(/\/+$/, ''));
}
