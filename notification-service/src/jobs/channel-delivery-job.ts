import { periodicJob, type Logger, type PeriodicJob } from '@micropay/platform';
import type { ChannelDispatcher } from '../domain/channel-dispatcher';

/** Sends due email and push attempts every `intervalMs`, and at once when an event queued some. */
export function channelDeliveryJob(dispatcher: ChannelDispatcher, intervalMs: number, logger: Logger): PeriodicJob {
  return periodicJob('channel-delivery', intervalMs, () => dispatcher.dispatchDue(), logger);
}
