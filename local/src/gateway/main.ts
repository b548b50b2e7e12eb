import {
  createLogger,
  createTokenVerifier,
  exitOnStartupFailure,
  Lifecycle,
  loadConfigOrExit,
  Metrics,
  runService,
} from '@micropay/platform';
import { gatewayConfigSchema } from './config';
import { createGatewayApp } from './create-gateway-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit(gatewayConfigSchema);
  const logger = createLogger({ service: 'local-gateway', level: config.log.level });
  const lifecycle = new Lifecycle();
  const app = createGatewayApp({
    upstreams: config.upstreams,
    verifier: createTokenVerifier({ ...config.auth, logger }),
    logger,
    metrics: new Metrics('local-gateway'),
    lifecycle,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
  });
  await runService({
    app,
    ...config.http,
    logger,
    lifecycle,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

main().catch(exitOnStartupFailure('local-gateway'));
