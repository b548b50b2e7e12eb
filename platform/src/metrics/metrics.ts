import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type BreakerState = 'closed' | 'open' | 'half_open';
const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, open: 1, half_open: 2 };

/**
 * One registry per process (or per app under test) with the metrics every service exports.
 * Service-specific counters are created from `registry` by the service itself.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly breakerState: Gauge<'target'>;
  readonly breakerEvents: Counter<'target' | 'event'>;

  constructor(service: string, options: { defaultMetrics?: boolean } = {}) {
    this.registry.setDefaultLabels({ service });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by method, route template and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.breakerState = new Gauge({
      name: 'circuit_breaker_state',
      help: 'Circuit breaker state per target: 0 closed, 1 open, 2 half-open.',
      labelNames: ['target'],
      registers: [this.registry],
    });
    this.breakerEvents = new Counter({
      name: 'circuit_breaker_events_total',
      help: 'Circuit breaker events per target (success, failure, timeout, reject, open, half_open, close).',
      labelNames: ['target', 'event'],
      registers: [this.registry],
    });
  }

  setBreakerState(target: string, state: BreakerState): void {
    this.breakerState.set({ target }, BREAKER_STATE_VALUE[state]);
  }

  /** A counter of the registry; asked for again by name (a second SQS consumer), the same one. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<L>;
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets?: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, registers: [this.registry], ...(buckets ? { buckets } : {}) });
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}
