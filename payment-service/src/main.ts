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
import { cardLogSecrets } from './domain/card';
import { createDependencies } from './dependencies';
import { settlementJob } from './jobs/settlement-job';

/** Composition root: config → dependencies → background jobs → listen → signals. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema);
  const infra = await openInfrastructure(config, migrations, { logSecrets: cardLogSecrets });
  const deps = createDependencies({ config, ...infra });
  const { lifecycle, logger } = infra;

  deps.relay.start();
  const settlement = settlementJob(deps);
  settlement.start();
  const purge = idempotencyPurgeJob(deps.idempotency, logger);
  purge.start();
  lifecycle.onShutdown('peer clients', () => deps.peers.forEach((p) => p.shutdown()));
  lifecycle.onShutdown('background jobs', async () => {
    await Promise.all([deps.relay.stop(), settlement.stop(), purge.stop()]);
  });

  await serve(createApp(deps), config, infra);
}

main().catch(exitOnStartupFailure('payment-service'));
