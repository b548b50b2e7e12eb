import path from 'node:path';
import express, { Router } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import { commonErrors, SERVICE_NAMES } from '@micropay/platform';

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
  urls: ${JSON.stringify(SERVICE_NAMES.map((name) => ({ name, url: `/docs/openapi/${name}.json` })))},
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
    // Own keys only: `constructor.json` or `__proto__.json` name no service.
    const upstream = Object.hasOwn(upstreams, req.params.service) ? upstreams[req.params.service] : undefined;
    if (!upstream) throw commonErrors.resource_missing.create('No such service.');
    let doc: Record<string, unknown>;
    try {
      const response = await fetch(`${upstream}/openapi.json`, { signal: AbortSignal.timeout(3000) });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      doc = (await response.json()) as Record<string, unknown>;
    } catch (error) {
      throw commonErrors.upstream_unavailable.create(`${req.params.service} is not answering; is it running?`, {
        cause: error,
        headers: { 'Retry-After': '1' },
      });
    }
    res.json({
      ...doc,
      servers: [{ url: `${req.protocol}://${req.get('host')}`, description: 'MicroPay local gateway' }],
    });
  });
  return router;
}
