import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/** One HTTP answer as a workload sees it. */
export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of many shapes
}

/** Keep-alive connections to one origin, as many as the load has in flight. */
export class Client {
  readonly pool: Pool;
  constructor(origin: string, connections: number) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  async send(
    method: 'GET' | 'POST',
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await this.pool.request({ method, path, headers, body });
    const text = await res.body.text();
    let parsed: unknown = text;
    if (text && String(res.headers['content-type'] ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: res.statusCode, body: parsed };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** A failed step: the status (or error code) is counted, the iteration ends. */
export class StepFailed extends Error {
  constructor(
    readonly status: string,
    detail: string,
  ) {
    super(`${status} ${detail}`);
  }
}

/** Throws StepFailed unless the answer has the expected status. */
export function expectStatus(answer: Answer, ...expected: number[]): Answer {
  if (!expected.includes(answer.status))
    throw new StepFailed(String(answer.status), JSON.stringify(answer.body).slice(0, 300));
  return answer;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  operations: number;
  perSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /**
   * Operations completed in the unmeasured warm-up. The CPU and database counters of a workload
   * cover the warm-up too, so per-operation figures divide by `operations + warmupOperations`.
   */
  warmupOperations?: number;
  /** Failed iterations by HTTP status (or error code), with one example each. */
  errors: Record<string, number>;
  errorSamples: Record<string, string>;
}

/**
 * A closed loop: `connections` workers, each starting its next iteration when the last one
 * ended, for `seconds` (after `warmupSeconds` unmeasured). An iteration is one operation
 * (one or more requests); its latency is from its first byte sent to its last byte read.
 */
export async function runLoad(
  iteration: (worker: number, i: number) => Promise<void>,
  options: { connections: number; seconds: number; warmupSeconds: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  const counters = new Array<number>(options.connections).fill(0);
  let warmupOperations = 0;
  const loop = async (until: number, record: boolean) => {
    await Promise.all(
      counters.map(async (_, worker) => {
        while (performance.now() < until) {
          const i = (counters[worker] = counters[worker]! + 1);
          const t0 = performance.now();
          try {
            await iteration(worker, i);
            if (record) latencies.push(performance.now() - t0);
            else warmupOperations += 1;
          } catch (error) {
            if (!record) continue;
            const status =
              error instanceof StepFailed ? error.status : ((error as { code?: string }).code ?? 'exception');
            errors[status] = (errors[status] ?? 0) + 1;
            errorSamples[status] ??= String((error as Error).message).slice(0, 300);
          }
        }
      }),
    );
  };
  if (options.warmupSeconds > 0) await loop(performance.now() + options.warmupSeconds * 1000, false);
  const started = performance.now();
  await loop(started + options.seconds * 1000, true);
  const seconds = (performance.now() - started) / 1000;
  return {
    connections: options.connections,
    seconds,
    ...summarise(latencies, seconds),
    warmupOperations,
    errors,
    errorSamples,
  };
}

/** How many operations a workload's CPU and database counters cover (warm-up included). */
export function operationsCounted(load: LoadResult): number {
  return Math.max(1, load.operations + (load.warmupOperations ?? 0));
}

export function summarise(latencies: number[], seconds: number) {
  const sorted = Float64Array.from(latencies).sort();
  const pct = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0;
  return {
    operations: sorted.length,
    perSecond: sorted.length / seconds,
    latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: sorted.length ? sorted[sorted.length - 1]! : 0, mean },
  };
}
