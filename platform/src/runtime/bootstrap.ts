import type { Application } from 'express';
import type { AddressInfo } from 'node:net';
import type { BaseConfig } from '../config/service-config';
import { openDatabase, type Database } from '../db/database';
import type { Migration } from '../db/migrate';
import { createLogger, type Logger, type LogSecrets } from '../logging/logger';
import { Metrics } from '../metrics/metrics';
import { keepCloudMapPresence } from '../discovery/cloud-map-presence';
import { registrationFromConfig } from '../discovery/discovery-from-config';
import { Lifecycle } from './lifecycle';
import { runService, type RunningService } from './run-service';

export interface Infrastructure {
  logger: Logger;
  metrics: Metrics;
  lifecycle: Lifecycle;
  db: Database;
}

/**
 * The part of every composition root that is the same everywhere: logger, metrics, lifecycle,
 * and the database (migrated at start unless MIGRATE_ON_START=false, as in Kubernetes where a
 * pre-upgrade Job migrates).
 */
export async function openInfrastructure(
  config: BaseConfig,
  migrations: Migration[],
  options: { logSecrets?: LogSecrets } = {},
): Promise<Infrastructure> {
  const logger = createLogger({ service: config.service, level: config.log.level, secrets: options.logSecrets });
  const metrics = new Metrics(config.service);
  const lifecycle = new Lifecycle();
  const db = await openDatabase({
    ...config.database,
    migrations: config.database.migrateOnStart ? migrations : undefined,
    logger,
  });
  lifecycle.onShutdown('database', () => db.close());
  return { logger, metrics, lifecycle, db };
}

/** What a service's dependencies are built from: its config plus the shared infrastructure. */
export type ServiceInfrastructure<C> = Infrastructure & { config: C };

/**
 * Listens on the configured address with graceful shutdown on SIGTERM/SIGINT; with Cloud Map
 * configured, the process registers itself and deregisters when shutdown begins.
 */
export async function serve(app: Application, config: BaseConfig, infra: Infrastructure): Promise<RunningService> {
  const running = await runService({
    app,
    ...config.http,
    logger: infra.logger,
    lifecycle: infra.lifecycle,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
  const { port } = running.server.address() as AddressInfo;
  const registration = registrationFromConfig(config.discovery, infra.logger, { port });
  if (registration) {
    keepCloudMapPresence({
      registration,
      readyzUrl: `${running.url}/readyz`,
      intervalMs: config.discovery.cloudMap?.healthIntervalMs ?? 10_000,
      lifecycle: infra.lifecycle,
      logger: infra.logger,
    });
  } else if (config.discovery.cloudMap) {
    infra.logger.warn('CLOUD_MAP_NAMESPACE is set but POD_IP is not: discovering peers, not registering');
  }
  return running;
}

/** For `main().catch(...)`: a service that cannot start says why and exits non-zero. */
export function exitOnStartupFailure(service: string) {
  return (error: unknown): never => {
    process.stderr.write(`${service} failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  };
}
