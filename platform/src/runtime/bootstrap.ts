import type { Application } from 'express';
import type { BaseConfig } from '../config/service-config';
import { openDatabase, type Database } from '../db/database';
import type { Migration } from '../db/migrate';
import { createLogger, type Logger, type LogSecrets } from '../logging/logger';
import { Metrics } from '../metrics/metrics';
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

/** Listens on the configured address with graceful shutdown on SIGTERM/SIGINT. */
export function serve(app: Application, config: BaseConfig, infra: Infrastructure): Promise<RunningService> {
  return runService({
    app,
    ...config.http,
    logger: infra.logger,
    lifecycle: infra.lifecycle,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

/** For `main().catch(...)`: a service that cannot start says why and exits non-zero. */
export function exitOnStartupFailure(service: string) {
  return (error: unknown): never => {
    process.stderr.write(`${service} failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  };
}
