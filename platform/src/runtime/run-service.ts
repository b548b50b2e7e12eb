import type { Application } from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { answerClientErrors } from './client-errors';
import type { Lifecycle } from './lifecycle';

export interface RunningService {
  server: http.Server;
  url: string;
  /** Graceful stop: readiness fails, new connections refused, in-flight requests finish, then cleanup. */
  shutdown(reason: string): Promise<void>;
}

export interface RunServiceOptions {
  app: Application;
  host: string;
  port: number;
  logger: Logger;
  lifecycle: Lifecycle;
  shutdownTimeoutMs: number;
  /** Install SIGTERM/SIGINT handlers that shut down and exit (composition roots only). */
  handleSignals?: boolean;
}

export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const { app, logger, lifecycle } = options;
  const server = http.createServer(app);
  answerClientErrors(server);
  // Longer than a typical load balancer idle timeout, so the LB closes idle connections first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`;
  logger.info({ url }, 'listening');

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    stopping ??= (async () => {
      logger.info({ reason }, 'shutting down');
      lifecycle.beginShutdown();
      await lifecycle.leave((name, error) => logger.error({ err: error, resource: name }, 'leaving failed'));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections become idle as their in-flight requests finish; close them as
      // they do, so shutdown takes as long as the slowest request, not the whole timeout.
      server.closeIdleConnections();
      const reaper = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => {
        logger.warn('shutdown timeout reached; closing remaining connections');
        server.closeAllConnections();
      }, options.shutdownTimeoutMs);
      await closed;
      clearInterval(reaper);
      clearTimeout(timer);
      await lifecycle.dispose((name, error) => logger.error({ err: error, resource: name }, 'cleanup failed'));
      logger.info('stopped');
    })();
    return stopping;
  };

  if (options.handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        shutdown(signal).then(
          () => process.exit(0),
          (error) => {
            logger.fatal({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
  }
  return { server, url, shutdown };
}
