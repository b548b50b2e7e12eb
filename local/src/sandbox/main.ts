import { createServer } from 'node:http';
import { createLogger, exitOnStartupFailure, loadConfigOrExit } from '@micropay/platform';
import { createSandboxApp } from './app';
import { sandboxConfigSchema } from './config';
import { SandboxPsp } from './sandbox-psp';
import { SandboxState } from './sandbox-state';
import { WebhookSender } from './webhook-sender';

/**
 * The sandbox PSP as its own process, like a real provider: payment-service reaches it over
 * HTTP with an API key, and it settles Pix and boletos by signed webhooks. `npm start` runs it
 * on SANDBOX_PORT (8085); the charts can deploy it for staging (`sandbox.enabled`).
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit(sandboxConfigSchema);
  const logger = createLogger({ service: 'sandbox', level: config.log.level });
  const state = await SandboxState.open(config.stateFile);
  const webhooks = new WebhookSender({ state, url: () => config.webhookUrl, secret: config.webhookSecret, logger });
  const psp = new SandboxPsp({ state, config, notify: (event) => webhooks.enqueue(event) });
  let stopping = false;
  const server = createServer(createSandboxApp({ psp, apiKey: config.apiKey, logger, isReady: () => !stopping }));
  const expiry = setInterval(() => psp.expireDue(), config.expiryIntervalMs);
  expiry.unref();
  webhooks.start();
  await new Promise<void>((resolve) => server.listen(config.http.port, config.http.host, resolve));
  logger.info({ port: config.http.port }, 'sandbox provider listening');

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'sandbox stopping');
    clearInterval(expiry);
    const force = setTimeout(() => process.exit(1), config.shutdownTimeoutMs);
    force.unref();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await webhooks.stop();
    await state.save();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch(exitOnStartupFailure('sandbox'));
