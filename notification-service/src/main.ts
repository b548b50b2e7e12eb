import { exitOnStartupFailure, loadConfigOrExit, openInfrastructure, runService } from '@micropay/platform';
import { createApp } from './app';
import { configSchema } from './config';
import { migrations } from './data/migrations';
import { createDependencies } from './dependencies';

/** Composition root: config → dependencies → listen → signals. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema);
  const infra = await openInfrastructure(config, migrations);
  const deps = createDependencies({ config, ...infra });
  await runService({
    app: createApp(deps),
    ...config.http,
    logger: infra.logger,
    lifecycle: infra.lifecycle,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

main().catch(exitOnStartupFailure('notification-service'));
