import { createLogger, Lifecycle, loadConfigOrExit, Metrics, openDatabase, runService } from '@micropay/platform';
import { createApp } from './app';
import { configSchema } from './config';
import { migrations } from './data/migrations';
import { createDependencies } from './dependencies';

/** Composition root: config → dependencies → listen → signals. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema);
  const logger = createLogger({ service: config.service, level: config.log.level });
  const metrics = new Metrics(config.service);
  const lifecycle = new Lifecycle();

  const db = await openDatabase({
    ...config.database,
    migrations: config.database.migrateOnStart ? migrations : undefined,
    logger,
  });
  lifecycle.onShutdown('database', () => db.close());

  const deps = createDependencies({ config, db, logger, metrics, lifecycle });
  await deps.keys.active(); // create the signing key on first start, not on the first login
  await runService({
    app: createApp(deps),
    host: config.http.host,
    port: config.http.port,
    logger,
    lifecycle,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`auth-service failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
