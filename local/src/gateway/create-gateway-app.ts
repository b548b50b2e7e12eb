import { Router, type Request } from 'express';
import { Agent, type ServerResponse } from 'node:http';
import { createProxyMiddleware } from 'http-proxy-middleware';
import {
  commonErrors,
  defineErrors,
  isPublicPath,
  matchPublicRoute,
  createServiceApp,
  errorBody,
  requireToken,
  SANDBOX,
  type Lifecycle,
  type Logger,
  type Metrics,
  type TokenVerifier,
} from '@micropay/platform';
import { apiDocsRouter } from './api-docs';

export interface GatewayDeps {
  upstreams: Record<string, string>;
  verifier: TokenVerifier;
  logger: Logger;
  metrics: Metrics;
  lifecycle: Lifecycle;
  /** How long a request may wait for its service before the gateway answers 504. */
  upstreamTimeoutMs?: number;
}

/** A service that accepted the request but did not answer in time (frozen, overloaded). */
const upstreamTimeout = defineErrors({
  upstream_timeout: { status: 504, type: 'api_error', description: 'The service did not answer in time; retry later.' },
}).upstream_timeout;

/** Like API Gateway's JWT authorizer: any valid access token (user or client) passes. */
const AUTHORIZED = { public: false, users: true, clientScopes: [] as string[] };

/**
 * The local stand-in for AWS API Gateway: one origin, a JWT authorizer on every non-public
 * route, request ids and latency metrics, and bodies streamed to the service untouched (so
 * webhook signatures still verify).
 */
export function createGatewayApp(deps: GatewayDeps) {
  const timedOutRequests = new WeakSet<object>();
  // Connections to the services are kept and reused (http-proxy opens one per request and closes
  // it otherwise): a TCP handshake and a new server-side socket per request cost more CPU than
  // most routes themselves (docs/adr/0010-less-work-per-payment.md).
  const agent = new Agent({ keepAlive: true });
  const proxies = Object.fromEntries(
    Object.entries(deps.upstreams).map(([service, target]) => [
      service,
      createProxyMiddleware<Request, ServerResponse>({
        target,
        agent,
        changeOrigin: false,
        xfwd: true,
        proxyTimeout: deps.upstreamTimeoutMs ?? 10_000,
        on: {
          proxyReq: (proxyReq, req) => {
            proxyReq.setHeader('x-request-id', (req as Request).res?.locals.requestId ?? '');
            proxyReq.once('timeout', () => timedOutRequests.add(req));
          },
          error: (error, req, res) => {
            // http-proxy aborts the upstream request at proxyTimeout; the error then is ECONNRESET.
            const timedOut = timedOutRequests.has(req);
            deps.logger.warn({ err: error, service, timed_out: timedOut }, 'upstream unreachable');
            const response = res as ServerResponse;
            if (response.headersSent) return;
            const appError = timedOut
              ? upstreamTimeout.create(`${service} did not answer within ${deps.upstreamTimeoutMs ?? 10_000} ms.`)
              : commonErrors.upstream_unavailable.create(`${service} is unavailable; retry later.`);
            response.writeHead(appError.status, { 'content-type': 'application/json', 'retry-after': '1' });
            response.end(JSON.stringify(errorBody(appError, (req as Request).res?.locals.requestId)));
          },
        },
      }),
    ]),
  );

  const authorize = requireToken(deps.verifier, AUTHORIZED);
  const proxy = Router();
  proxy.use(apiDocsRouter(deps.upstreams));
  proxy.use((req, res, next) => {
    // The sandbox's payer routes exist only where the sandbox runs (its upstream is configured).
    const route =
      matchPublicRoute(req.path) ??
      (deps.upstreams.sandbox
        ? SANDBOX.routes.find((r) => req.path === r.prefix || req.path.startsWith(`${r.prefix}/`))
        : undefined);
    if (!route) {
      next();
      return;
    }
    res.locals.route = route.prefix;
    const forward = () => proxies[route.service]!(req, res, next);
    if (isPublicPath(route, req.path)) forward();
    else authorize(req, res, (error?: unknown) => (error ? next(error) : forward()));
  });

  return createServiceApp({
    service: 'local-gateway',
    logger: deps.logger,
    metrics: deps.metrics,
    lifecycle: deps.lifecycle,
    // The edge: clients connect directly, so no X-Forwarded-For they send is believed.
    trustProxy: false,
    readinessCheck: async () => {
      const results = await Promise.all(
        Object.entries(deps.upstreams).map(async ([service, url]) => {
          const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
          return res?.ok ? undefined : service;
        }),
      );
      const down = results.filter(Boolean);
      if (down.length) throw new Error(`not ready: ${down.join(', ')}`);
    },
    openapi: {
      title: 'MicroPay local gateway',
      version: '1.0.0',
      description: 'See /docs for the services behind it.',
    },
    routes: [],
    rawRouters: [{ path: '/', router: proxy }],
  });
}
