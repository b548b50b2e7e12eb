import { exitOnStartupFailure, loadConfigOrExit, openInfrastructure, periodicJob, runService } from '@micropay/platform';
import { createApp } from './app';
import { configSchema } from './config';
import { migrations } from './data/migrations';
import { createDependencies } from './dependencies';

/** Composition root: config → dependencies → background jobs → listen → signals. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema);
  const infra = await openInfrastructure(config, migrations);
  const deps = createDependencies({ config, ...infra });

  const purge = periodicJob('idempotency-purge', 3600_000, async () => void (await deps.idempotency.purgeExpired()), infra.logger);
  purge.start();
  infra.lifecycle.onShutdown('idempotency purge', () => purge.stop());

  await runService({
    app: createApp(deps),
    ...config.http,
    logger: infra.logger,
    lifecycle: infra.lifecycle,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

main().catch(exitOnStartupFailure('transaction-service'));
