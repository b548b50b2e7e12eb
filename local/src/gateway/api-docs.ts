import path from 'node:path';
import express, { Router } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

const SERVICES = ['auth-service', 'transaction-service', 'payment-service', 'notification-service'];

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>MicroPay API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>`;

const init = `window.ui = SwaggerUIBundle({
  urls: ${JSON.stringify(SERVICES.map((name) => ({ name, url: `/docs/openapi/${name}.json` })))},
  "urls.primaryName": "payment-service",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout",
});`;

/**
 * A browsable page for all four services' OpenAPI documents (Swagger UI, served from the npm
 * package, so it works offline). Each document is fetched from its service and pointed at the
 * gateway, so "Try it out" goes through the gateway like any client.
 */
export function apiDocsRouter(upstreams: Record<string, string>): Router {
  const router = Router();
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('js').send(init);
  });
  router.use('/docs/assets', express.static(path.resolve(getAbsoluteFSPath()), { index: false }));
  router.get('/docs/openapi/:service.json', async (req, res) => {
    const upstream = upstreams[req.params.service];
    if (!upstream) {
      res.status(404).json({ error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such service.', request_id: res.locals.requestId } });
      return;
    }
    let doc: Record<string, unknown>;
    try {
      const response = await fetch(`${upstream}/openapi.json`, { signal: AbortSignal.timeout(3000) });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      doc = (await response.json()) as Record<string, unknown>;
    } catch {
      res.status(503).set('Retry-After', '1').json({
        error: { type: 'api_error', code: 'upstream_unavailable', message: `${req.params.service} is not answering; is it running?`, request_id: res.locals.requestId },
      });
      return;
    }
    res.json({ ...doc, servers: [{ url: `${req.protocol}://${req.get('host')}`, description: 'MicroPay local gateway' }] });
  });
  return router;
}
