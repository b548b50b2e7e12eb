import { exitOnStartupFailure, loadConfigOrExit, openInfrastructure, serve } from '@micropay/platform';
import { createApp } from './app';
import { configSchema } from './config';
import { migrations } from './data/migrations';
import { createDependencies } from './dependencies';

/** Composition root: config → dependencies → background work → listen → signals. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema);
  const infra = await openInfrastructure(config, migrations);
  const deps = createDependencies({ config, ...infra });

  deps.webhookJob.start();
  deps.channelJob.start();
  deps.sqsConsumer?.start();
  deps.feedbackConsumer?.start();
  // SIGTERM: the queue consumers stop first (their long polls end, the batch in hand finishes), then deliveries.
  infra.lifecycle.onShutdown('webhook deliveries', () => deps.webhookJob.stop());
  infra.lifecycle.onShutdown('email and push deliveries', () => deps.channelJob.stop());
  infra.lifecycle.onShutdown('SQS consumer', async () => deps.sqsConsumer?.stop());
  infra.lifecycle.onShutdown('SES feedback consumer', async () => deps.feedbackConsumer?.stop());
  infra.lifecycle.onShutdown('auth-service client', async () => deps.authPeer.shutdown());

  await serve(createApp(deps), config, infra);
}

main().catch(exitOnStartupFailure('notification-service'));
