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
  const { lifecycle, logger } = infra;

  deps.relay.start();
  const settlement = periodicJob('ledger-settlement', config.settlementIntervalMs, () => deps.payments.settleAwaitingLedger(), logger);
  settlement.start();
  const purge = periodicJob('idempotency-purge', 3600_000, async () => void (await deps.idempotency.purgeExpired()), logger);
  purge.start();
  lifecycle.onShutdown('peer clients', () => deps.peers.forEach((p) => p.shutdown()));
  lifecycle.onShutdown('background jobs', async () => {
    await Promise.all([deps.relay.stop(), settlement.stop(), purge.stop()]);
  });

  await runService({
    app: createApp(deps),
    ...config.http,
    logger,
    lifecycle,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    handleSignals: true,
  });
}

main().catch(exitOnStartupFailure('payment-service'));
