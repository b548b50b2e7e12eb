import { exitOnStartupFailure, loadConfigOrExit, openInfrastructure, serve } from '@micropay/platform';
import { createApp } from './app';
import { authCleanupJob } from './jobs/cleanup-job';
import { configSchema } from './config';
import { migrations } from './data/migrations';
import { createDependencies } from './dependencies';

/** Composition root: config → dependencies → background jobs → listen → signals. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema);
  const infra = await openInfrastructure(config, migrations);
  const deps = createDependencies({ config, ...infra });
  await deps.local?.keys.active(); // create the signing key on first start, not on the first login
  if (config.cleanupIntervalSeconds > 0) {
    const cleanup = authCleanupJob(deps, config.cleanupIntervalSeconds * 1000);
    cleanup.start();
    infra.lifecycle.onShutdown('background jobs', () => cleanup.stop());
  }
  await serve(createApp(deps), config, infra);
}

main().catch(exitOnStartupFailure('auth-service'));
