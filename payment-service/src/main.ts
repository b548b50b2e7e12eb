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
import { expiryJob } from './jobs/expiry-job';
import { reconciliationJob } from './jobs/reconciliation-job';
import { settlementJob } from './jobs/settlement-job';

/** Composition root: config → dependencies → background jobs → listen → signals. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema);
  const infra = await openInfrastructure(config, migrations, { logSecrets: cardLogSecrets });
  const deps = createDependencies({ config, ...infra });
  const { lifecycle, logger } = infra;

  const jobs = [
    deps.relay,
    deps.providerEvents,
    settlementJob(deps),
    expiryJob(deps),
    reconciliationJob(deps),
    idempotencyPurgeJob(deps.idempotency, logger),
  ];
  for (const job of jobs) job.start();
  lifecycle.onShutdown('peer clients', () => deps.peers.forEach((p) => p.shutdown()));
  lifecycle.onShutdown('background jobs', async () => {
    await Promise.all(jobs.map((job) => job.stop()));
  });

  await serve(createApp(deps), config, infra);
}

main().catch(exitOnStartupFailure('payment-service'));
