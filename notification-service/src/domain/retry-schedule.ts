/** Svix's schedule: after the first attempt, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000];

/** An endpoint that has failed without a success for this long is disabled (as Svix does). */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600 * 1000;

/**
 * Seconds until the next attempt after `attempts` failed ones, or null when the schedule is
 * spent. Jitter of up to +10% spreads retries of many deliveries that failed together; a
 * receiver's Retry-After (429, 503) is honoured when it asks for longer.
 */
export function nextDelaySeconds(
  schedule: number[],
  attempts: number,
  retryAfterSeconds?: number,
  random = Math.random,
): number | null {
  const base = schedule[attempts - 1];
  if (base === undefined) return null;
  const jittered = base * (1 + random() * 0.1);
  return Math.max(jittered, retryAfterSeconds ?? 0);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}
