import { exitOnStartupFailure, idempotencyPurgeJob, loadConfigOrExit, openInfrastructure, serve } from '@micropay/platform';
import { createApp } from './app';
import { configSchema } from './config';
import { migrations } from './data/migrations';
import { createDependencies } from './dependencies';

/** Composition root: config → dependencies → background jobs → listen → signals. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema);
  const infra = await openInfrastructure(config, migrations);
  const deps = createDependencies({ config, ...infra });

  const purge = idempotencyPurgeJob(deps.idempotency, infra.logger);
  purge.start();
  infra.lifecycle.onShutdown('idempotency purge', () => purge.stop());

  await serve(createApp(deps), config, infra);
}

main().catch(exitOnStartupFailure('transaction-service'));
