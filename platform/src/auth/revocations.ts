import type { Logger } from 'pino';
import { z } from 'zod';

/** auth-service's route of the revocation list; inside the network only (the gateway does not route /internal). */
export const REVOCATIONS_PATH = '/internal/revocations';

/**
 * What auth-service publishes at `GET /internal/revocations` (ADR 0009): sessions that ended
 * (logout, refresh-token replay, Cognito `RevokeToken`) and users signed out everywhere (Cognito
 * `GlobalSignOut`: every token issued before `issued_before` is refused). Each entry is kept
 * until `expires_at`, when every access token it could refuse has expired anyway.
 */
export const RevocationEntry = z.object({
  type: z.enum(['session', 'user']),
  id: z.string().min(1),
  /** `user` entries: tokens whose `iat` is before this (seconds since the epoch) are refused. */
  issued_before: z.number().int().nullable(),
  expires_at: z.number().int(),
});
export type RevocationEntry = z.infer<typeof RevocationEntry>;

export const RevocationPage = z.object({
  object: z.literal('revocation_list'),
  /** Pass it back as `since` to receive only what was revoked after it (with a small overlap). */
  cursor: z.string(),
  data: z.array(RevocationEntry),
});
export type RevocationPage = z.infer<typeof RevocationPage>;

/** What the verifier asks: has the token's session, or its user before it was issued, been revoked? */
export interface RevocationCheck {
  isRevoked(token: { sub: string; sessionId?: string; issuedAt: number }): boolean;
}

/** A set of revocations held in memory, pruned as entries expire. */
export class RevocationSet implements RevocationCheck {
  private readonly sessions = new Map<string, number>();
  private readonly users = new Map<string, { before: number; expiresAt: number }>();

  constructor(private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  add(entries: readonly RevocationEntry[]): void {
    for (const e of entries) {
      if (e.type === 'session') this.sessions.set(e.id, Math.max(e.expires_at, this.sessions.get(e.id) ?? 0));
      else {
        const known = this.users.get(e.id);
        const before = Math.max(e.issued_before ?? 0, known?.before ?? 0);
        this.users.set(e.id, { before, expiresAt: Math.max(e.expires_at, known?.expiresAt ?? 0) });
      }
    }
  }

  prune(): void {
    const now = this.now();
    for (const [id, expiresAt] of this.sessions) if (expiresAt < now) this.sessions.delete(id);
    for (const [id, user] of this.users) if (user.expiresAt < now) this.users.delete(id);
  }

  get size(): number {
    return this.sessions.size + this.users.size;
  }

  isRevoked(token: { sub: string; sessionId?: string; issuedAt: number }): boolean {
    if (token.sessionId !== undefined && this.sessions.has(token.sessionId)) return true;
    const user = this.users.get(token.sub);
    return user !== undefined && token.issuedAt < user.before;
  }
}

export interface RevocationFeedOptions {
  /** auth-service's `/internal/revocations`. */
  url: string;
  /** How often the list is asked for what changed (default 2 s). */
  intervalMs?: number;
  timeoutMs?: number;
  /**
   * While no answer has come yet, failures are this quiet for this long (default 30 s): at
   * `npm start` or a rollout every service starts beside auth-service, and a warning per
   * service that it is not up yet says nothing.
   */
  startupGraceMs?: number;
  logger?: Logger;
}

export interface RevocationFeed extends RevocationCheck {
  /** Asks for what changed now; resolves true when auth-service answered. */
  refresh(): Promise<boolean>;
  /** When auth-service last answered (ms since the epoch), 0 before the first answer. */
  readonly lastSuccessAt: number;
  stop(): void;
}

/**
 * Keeps a local copy of auth-service's revocation list, refreshed in the background every
 * `intervalMs` (the timer does not keep the process alive). When auth-service cannot be reached
 * the copy stays as it was: what is known stays refused, and every other token keeps working
 * (fail open, ADR 0009), so an auth-service outage never stops payments.
 */
export function revocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const set = new RevocationSet();
  const intervalMs = options.intervalMs ?? 2000;
  let cursor: string | undefined;
  let lastSuccessAt = 0;
  let failing = false;
  let inflight: Promise<boolean> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const startedAt = Date.now();
  const startupGraceMs = options.startupGraceMs ?? 30_000;

  async function fetchOnce(): Promise<boolean> {
    const url = new URL(options.url);
    if (cursor) url.searchParams.set('since', cursor);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 2000) });
      if (!response.ok) throw new Error(`auth-service answered ${response.status}`);
      const page = RevocationPage.parse(await response.json());
      set.add(page.data);
      set.prune();
      cursor = page.cursor;
      lastSuccessAt = Date.now();
      if (failing) options.logger?.info({ revocations: set.size }, 'revocation list reachable again');
      failing = false;
      return true;
    } catch (error) {
      set.prune();
      const reason = error instanceof Error ? error.message : String(error);
      if (lastSuccessAt === 0 && Date.now() - startedAt < startupGraceMs) {
        options.logger?.debug({ reason, url: options.url }, 'revocation list not reachable yet');
        return false;
      }
      if (!failing) {
        options.logger?.warn(
          { reason, url: options.url },
          'revocation list unreachable: known revocations stay refused, other tokens are accepted',
        );
      }
      failing = true;
      return false;
    }
  }

  const refresh = () => {
    inflight ??= fetchOnce().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void refresh().finally(schedule), intervalMs);
    timer.unref();
  };
  void refresh().finally(schedule);

  return {
    refresh,
    get lastSuccessAt() {
      return lastSuccessAt;
    },
    isRevoked: (token) => set.isRevoked(token),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
