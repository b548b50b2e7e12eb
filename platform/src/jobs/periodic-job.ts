import type { Logger } from 'pino';

export interface PeriodicJob {
  start(): void;
  /** Runs the job now (or right after the current run), e.g. after a commit that queued work. */
  wake(): void;
  /** Stops scheduling and waits for a running pass to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs`, never two passes at once. A pass that reports more work
 * (returns true) is followed immediately by another. Errors are logged, never thrown.
 */
export function periodicJob(
  name: string,
  intervalMs: number,
  run: () => Promise<boolean | void>,
  logger: Logger,
): PeriodicJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
    timer.unref();
  };

  function tick(): void {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      let more = false;
      try {
        more = (await run()) === true;
      } catch (error) {
        logger.error({ err: error, job: name }, 'background job failed');
      }
      running = undefined;
      const next = more || again;
      again = false;
      schedule(next ? 0 : intervalMs);
    })();
  }

  return {
    start() {
      stopped = false;
      schedule(0);
    },
    wake() {
      if (!stopped) schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
