import express, { type Application, type Router } from 'express';
import helmet from 'helmet';
import pinoHttp from 'pino-http';
import type { Logger } from 'pino';
import { commonErrors } from '../errors/app-error';
import { errorMiddleware, notFoundMiddleware } from '../errors/error-middleware';
import type { Metrics } from '../metrics/metrics';
import type { TrustProxy } from '../config/service-config';
import type { TokenVerifier } from '../auth/token-verifier';
import type { IdempotencyStore } from '../idempotency/idempotency-store';
import { buildOpenApiDocument, type OpenApiInfo } from '../openapi/openapi-document';
import { requestIdFrom, runWithContext } from '../runtime/request-context';
import type { Lifecycle } from '../runtime/lifecycle';
import { routeHandler, type AnyRoute } from './route';

export const BODY_LIMIT = '100kb';

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  metrics: Metrics;
  lifecycle: Lifecycle;
  /** Throws when a dependency the service needs to serve traffic is down (e.g. the database). */
  readinessCheck: () => Promise<void>;
  openapi: OpenApiInfo;
  routes: AnyRoute[];
  verifier?: TokenVerifier;
  idempotency?: IdempotencyStore;
  /**
   * Proxies whose X-Forwarded-For is believed for `req.ip` (the per-IP rate limit, logs):
   * `TRUSTED_PROXIES`, by default loopback only; `false` at the edge (the local gateway).
   */
  trustProxy?: TrustProxy | false;
  /** Mounted before the JSON body parser (e.g. a proxy that streams bodies). */
  rawRouters?: { path: string; router: Router }[];
}

/**
 * The Express application every service shares: request id and logging, security headers,
 * latency metrics by route template, health and metrics endpoints, the OpenAPI document, the
 * service's routes, then 404 and the one error middleware.
 */
export function createServiceApp(options: ServiceAppOptions): Application {
  const { logger, metrics, lifecycle } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? ['loopback']);
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    runWithContext({ requestId }, next);
  });
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => res.getHeader('X-Request-Id') as string,
      customProps: (_req, res) => ({
        route: res.locals?.route,
        error_code: res.locals?.errorCode,
        caller: res.locals?.caller?.sub,
      }),
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req) => ['/livez', '/readyz', '/metrics'].includes(req.url ?? '') },
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'request_id' },
      // One short line per request: what was asked and how it ended, not every header.
      serializers: {
        req: (req: { method: string; url: string; remoteAddress?: string }) => ({
          method: req.method,
          url: req.url,
          remote_address: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ status_code: res.statusCode }),
      },
      wrapSerializers: true,
    }),
  );
  app.use(helmet());
  app.use((req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      stop({ method: req.method, route: res.locals.route ?? 'unmatched', status_code: String(res.statusCode) });
    });
    next();
  });

  app.get('/livez', (_req, res) => {
    res.locals.route = '/livez';
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    res.locals.route = '/readyz';
    if (lifecycle.isShuttingDown) throw commonErrors.service_unavailable.create('Shutting down.');
    try {
      await options.readinessCheck();
    } catch (error) {
      throw commonErrors.service_unavailable.create('A dependency is not ready.', { cause: error });
    }
    res.json({ status: 'ready' });
  });
  app.get('/metrics', async (_req, res) => {
    res.locals.route = '/metrics';
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const document = buildOpenApiDocument(options.openapi, options.routes);
  app.get('/openapi.json', (_req, res) => {
    res.locals.route = '/openapi.json';
    res.json(document);
  });

  for (const { path, router } of options.rawRouters ?? []) app.use(path, router);

  app.use(
    express.json({
      limit: BODY_LIMIT,
      strict: true,
      type: ['application/json', 'application/*+json'],
      // Signature checks (provider webhooks) need the exact bytes that were sent.
      verify: (req, _res, buf) => {
        (req as unknown as { rawBody: Buffer }).rawBody = buf;
      },
    }),
  );
  const formParser = express.urlencoded({ extended: false, limit: BODY_LIMIT });
  for (const route of options.routes) {
    const handler = routeHandler(route, { verifier: options.verifier, idempotency: options.idempotency });
    if (route.bodyType === 'form') app[route.method](route.path, formParser, handler);
    else app[route.method](route.path, handler);
  }

  app.use(notFoundMiddleware);
  app.use(errorMiddleware(logger));
  return app;
}
