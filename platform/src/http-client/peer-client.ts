import CircuitBreaker from 'opossum';
import { backOff } from 'exponential-backoff';
import { Agent, request as undiciRequest } from 'undici';
import type { Logger } from 'pino';
import { AppError, commonErrors } from '../errors/app-error';
import type { AccessTokenSource } from '../auth/client-credentials';
import type { Discovery } from '../discovery/discovery';
import type { Metrics } from '../metrics/metrics';
import { currentContext } from '../runtime/request-context';

export interface PeerRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as `Idempotency-Key`; makes a POST safe to retry. */
  idempotencyKey?: string;
}

export interface PeerResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One keep-alive connection pool per process for every peer (undici's own request API, which
 * does less per call than fetch on top of it: no WHATWG streams, no Headers objects).
 * docs/adr/0010-less-work-per-payment.md.
 */
const peerAgent = new Agent({ keepAliveTimeout: 4_000, connections: 128 });

export interface PeerClientOptions {
  /** The peer's service name: discovery key, breaker name and metric label. */
  target: string;
  discovery: Discovery;
  metrics: Metrics;
  logger: Logger;
  /** Client-credentials tokens for the Authorization header. */
  tokens?: AccessTokenSource;
  /** Per attempt. */
  timeoutMs?: number;
  /** Extra attempts for idempotent requests (GET, or any request with an idempotency key). */
  retries?: number;
  retryBaseDelayMs?: number;
  breaker?: {
    errorThresholdPercentage?: number;
    resetTimeoutMs?: number;
    volumeThreshold?: number;
    rollingWindowMs?: number;
  };
}

/** The peer answered 5xx or did not answer: counts against the breaker. */
export class PeerFailure extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PeerFailure';
  }
}

/**
 * The one way a service calls a peer (docs/contract.md §7): timeout per attempt, an opossum circuit
 * breaker per target, jittered retries only when the call is idempotent, request-id
 * propagation, client-credentials auth. 4xx answers are returned to the caller and never trip
 * the breaker; when the peer stays unavailable the call fails with 503 `upstream_unavailable`.
 */
export class PeerClient {
  readonly target: string;
  private readonly breaker: CircuitBreaker<[PeerRequest, string | undefined], PeerResponse>;

  constructor(private readonly options: PeerClientOptions) {
    this.target = options.target;
    const b = options.breaker ?? {};
    // The breaker wraps only the call to the peer: getting the client token happens before it,
    // so a token-endpoint outage is neither a failure nor a success of this peer.
    this.breaker = new CircuitBreaker(
      (request: PeerRequest, token: string | undefined) => this.attempt(request, token),
      {
        name: options.target,
        timeout: false, // each attempt has its own AbortSignal timeout, which really cancels the call
        errorThresholdPercentage: b.errorThresholdPercentage ?? 50,
        resetTimeout: b.resetTimeoutMs ?? 10_000,
        volumeThreshold: b.volumeThreshold ?? 5,
        rollingCountTimeout: b.rollingWindowMs ?? 10_000,
      },
    );
    this.observeBreaker();
  }

  get breakerState(): 'closed' | 'open' | 'half_open' {
    if (this.breaker.halfOpen) return 'half_open';
    return this.breaker.opened ? 'open' : 'closed';
  }

  async request<T = unknown>(request: PeerRequest): Promise<PeerResponse<T>> {
    const idempotent =
      request.method === 'GET' ||
      request.method === 'PUT' ||
      request.method === 'DELETE' ||
      request.idempotencyKey !== undefined;
    try {
      return (await backOff(() => this.send(request), {
        numOfAttempts: idempotent ? 1 + (this.options.retries ?? 2) : 1,
        startingDelay: this.options.retryBaseDelayMs ?? 100,
        timeMultiple: 3,
        maxDelay: 2000,
        jitter: 'full',
        retry: (error: unknown) => error instanceof PeerFailure,
      })) as PeerResponse<T>;
    } catch (error) {
      if (error instanceof AppError) throw error;
      const open = (error as { code?: string }).code === 'EOPENBREAKER';
      throw commonErrors.upstream_unavailable.create(
        open
          ? `${this.target} is unavailable (circuit open); retry later.`
          : `${this.target} is unavailable; retry later.`,
        { cause: error, headers: { 'Retry-After': open ? '10' : '1' } },
      );
    }
  }

  /** One call through the breaker, with a client token fetched outside it. */
  private async send(request: PeerRequest): Promise<PeerResponse> {
    const { tokens } = this.options;
    const response = await this.breaker.fire(request, await tokens?.getToken());
    if (response.status !== 401 || !tokens) return response;
    // A cached token can outlive a key rotation at the issuer; fetch a fresh one once.
    tokens.invalidate();
    return this.breaker.fire(request, await tokens.getToken());
  }

  private async attempt(request: PeerRequest, token: string | undefined): Promise<PeerResponse> {
    const base = await this.options.discovery.resolve(this.target);
    const url = new URL(request.path, `${base}/`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    const requestId = currentContext()?.requestId;
    if (requestId) headers['x-request-id'] = requestId;
    if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;

    let response: Awaited<ReturnType<typeof undiciRequest>>;
    let text: string;
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 3000);
    try {
      response = await undiciRequest(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
        dispatcher: peerAgent,
      });
      text = await response.body.text();
    } catch (error) {
      const timedOut =
        (error as Error).name === 'TimeoutError' || (signal.aborted && signal.reason?.name === 'TimeoutError');
      if (timedOut) this.options.metrics.breakerEvents.inc({ target: this.target, event: 'timeout' });
      throw new PeerFailure(`${request.method} ${url.pathname} ${timedOut ? 'timed out' : 'failed'}`, undefined, {
        cause: error,
      });
    }
    const status = response.statusCode;
    if (status >= 500) {
      throw new PeerFailure(`${request.method} ${url.pathname} answered ${status}`, status);
    }
    const isJson = String(response.headers['content-type'] ?? '').includes('json');
    return { status, body: isJson && text ? JSON.parse(text) : text, headers: response.headers };
  }

  private observeBreaker(): void {
    const { metrics, logger, target } = this.options;
    metrics.setBreakerState(target, 'closed');
    const count = (event: string) => metrics.breakerEvents.inc({ target, event });
    this.breaker.on('success', () => count('success'));
    this.breaker.on('failure', () => count('failure'));
    this.breaker.on('reject', () => count('reject'));
    this.breaker.on('open', () => {
      count('open');
      metrics.setBreakerState(target, 'open');
      logger.warn({ target }, 'circuit breaker opened');
    });
    this.breaker.on('halfOpen', () => {
      count('half_open');
      metrics.setBreakerState(target, 'half_open');
    });
    this.breaker.on('close', () => {
      count('close');
      metrics.setBreakerState(target, 'closed');
      logger.info({ target }, 'circuit breaker closed');
    });
  }

  /** Stops the breaker's timers (on shutdown and in tests). */
  shutdown(): void {
    this.breaker.shutdown();
  }
}
