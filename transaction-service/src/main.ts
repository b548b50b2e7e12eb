import {
  exitOnStartupFailure,
  idempotencyPurgeJob,
  loadConfigOrExit,
  openInfrastructure,
  serve,
} from '@micropay/platform';
import { createApp } from './app';
import { configSchema } from './config';
import { migrations } from './data/migrations';
import { createDependencies } from './dependencies';
import { expirySweeper } from './jobs/expiry-sweeper-job';

/** Composition root: config → dependencies → background jobs → listen → signals. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema);
  const infra = await openInfrastructure(config, migrations);
  const deps = createDependencies({ config, ...infra });

  const purge = idempotencyPurgeJob(deps.idempotency, infra.logger);
  purge.start();
  const sweeper = expirySweeper(deps);
  sweeper.start();
  deps.relay.start();
  infra.lifecycle.onShutdown('peer clients', () => deps.peers.forEach((p) => p.shutdown()));
  infra.lifecycle.onShutdown('background jobs', async () => {
    await Promise.all([purge.stop(), sweeper.stop(), deps.relay.stop()]);
  });

  await serve(createApp(deps), config, infra);
}

main().catch(exitOnStartupFailure('transaction-service'));
