import { LRUCache } from 'lru-cache';
import type { PeerClient } from '@micropay/platform';
import type { UserDirectory } from '../domain/ports';

/**
 * Users' email addresses from auth-service (`GET /v1/auth/users/{id}`, a client-credentials
 * token with `users:read`), through the platform peer client: its timeout, breaker and retries.
 * Answers are cached for `ttlMs`, so a burst of receipts costs one lookup per user; an address
 * changed in auth-service is used at the latest `ttlMs` later.
 */
export class AuthUserDirectory implements UserDirectory {
  private readonly cache: LRUCache<string, string>;

  constructor(
    private readonly auth: PeerClient,
    options: { ttlMs: number; max?: number },
  ) {
    this.cache = new LRUCache({ max: options.max ?? 10_000, ttl: options.ttlMs });
  }

  async emailOf(userId: string): Promise<string | undefined> {
    const cached = this.cache.get(userId);
    if (cached) return cached;
    const response = await this.auth.request<{ email?: string }>({
      method: 'GET',
      path: `/v1/auth/users/${encodeURIComponent(userId)}`,
    });
    // Not cached: the answer may change, and a missing user is rare enough to ask again.
    if (response.status === 404) return undefined;
    if (response.status !== 200 || typeof response.body.email !== 'string')
      throw new Error(`auth-service answered ${response.status} to the lookup of ${userId}`);
    this.cache.set(userId, response.body.email);
    return response.body.email;
  }
}
