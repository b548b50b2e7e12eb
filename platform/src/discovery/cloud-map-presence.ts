import type { Logger } from 'pino';
import { periodicJob } from '../jobs/periodic-job';
import type { Lifecycle } from '../runtime/lifecycle';
import type { CloudMapRegistration } from './cloud-map-registration';

/**
 * Keeps a registration true to the process: registers (again, while Cloud Map is unreachable at
 * start), reports what this process's own `/readyz` answers as its custom health status every
 * `intervalMs`, and deregisters when shutdown begins, before the server closes. A Cloud Map
 * outage is logged and retried; it never stops the service from serving.
 */
export function keepCloudMapPresence(options: {
  registration: CloudMapRegistration;
  readyzUrl: string;
  intervalMs: number;
  lifecycle: Lifecycle;
  logger: Logger;
}): void {
  const { registration, readyzUrl, lifecycle, logger } = options;
  const job = periodicJob(
    'cloud-map-health',
    options.intervalMs,
    async () => {
      if (lifecycle.isShuttingDown) return;
      if (!registration.isRegistered) await registration.register();
      const ready = await fetch(readyzUrl, { signal: AbortSignal.timeout(2000) }).then(
        (response) => response.ok,
        () => false,
      );
      await registration.reportHealth(ready);
    },
    logger,
  );
  job.start();
  lifecycle.beforeClose('cloud map registration', async () => {
    await job.stop();
    await registration.deregister();
  });
}
