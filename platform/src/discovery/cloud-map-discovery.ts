import {
  DiscoverInstancesCommand,
  DiscoverInstancesRevisionCommand,
  type ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import type { Logger } from 'pino';
import type { Discovery } from './discovery';

export interface CloudMapDiscoveryOptions {
  client: ServiceDiscoveryClient;
  /** The Cloud Map namespace name (`CLOUD_MAP_NAMESPACE`); peers are its services, by manifest name. */
  namespace: string;
  /** Where a peer is found when Cloud Map has no instance of it or cannot be reached. */
  fallback: Discovery;
  logger: Logger;
  /** How long an answer is used before it is refreshed in the background. */
  cacheTtlMs?: number;
  /** Per Cloud Map call: a slow Cloud Map falls back instead of holding the request. */
  timeoutMs?: number;
  /** The clock, for tests of cache expiry. */
  now?: () => number;
}

interface Entry {
  /** Base URLs of the instances Cloud Map returned; empty: use the fallback. */
  urls: string[];
  revision?: number;
  fetchedAt: number;
  next: number;
}

/**
 * Peers from AWS Cloud Map (`DiscoverInstances`, healthy instances first, all of them when none is
 * healthy), cached for a few seconds and refreshed in the background, so a request waits for
 * Cloud Map only the first time it asks for a peer. A refresh asks `DiscoverInstancesRevision`
 * first and keeps the cached instances when nothing changed. Calls are spread round-robin over
 * the instances. When Cloud Map has no instance or fails, the fallback (`<PEER>_SERVICE_URL`,
 * Kubernetes DNS) answers: a Cloud Map outage never stops a call to a peer.
 */
export class CloudMapDiscovery implements Discovery {
  private readonly cache = new Map<string, Entry>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly failing = new Set<string>();

  constructor(private readonly options: CloudMapDiscoveryOptions) {
    this.ttlMs = options.cacheTtlMs ?? 5000;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  async resolve(service: string): Promise<string> {
    let entry = this.cache.get(service);
    if (!entry) {
      await this.refresh(service);
      entry = this.cache.get(service);
    } else if (this.now() - entry.fetchedAt >= this.ttlMs) {
      void this.refresh(service);
    }
    if (!entry || entry.urls.length === 0) return this.options.fallback.resolve(service);
    const url = entry.urls[entry.next % entry.urls.length] as string;
    entry.next = (entry.next + 1) % entry.urls.length;
    return url;
  }

  /** Resolves when no background refresh is running (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.refreshing.values());
  }

  /** One refresh per peer at a time; concurrent callers share it. */
  private refresh(service: string): Promise<void> {
    let running = this.refreshing.get(service);
    if (!running) {
      running = this.fetch(service).finally(() => this.refreshing.delete(service));
      this.refreshing.set(service, running);
    }
    return running;
  }

  private async fetch(service: string): Promise<void> {
    const { client, namespace, logger } = this.options;
    const previous = this.cache.get(service);
    const names = { NamespaceName: namespace, ServiceName: service };
    try {
      if (previous?.revision !== undefined) {
        const { InstancesRevision } = await client.send(new DiscoverInstancesRevisionCommand(names), this.signal());
        if (InstancesRevision === previous.revision) {
          previous.fetchedAt = this.now();
          this.recovered(service);
          return;
        }
      }
      const answer = await client.send(
        new DiscoverInstancesCommand({ ...names, HealthStatus: 'HEALTHY_OR_ELSE_ALL', MaxResults: 100 }),
        this.signal(),
      );
      const urls = (answer.Instances ?? []).flatMap((instance) => {
        const ip = instance.Attributes?.AWS_INSTANCE_IPV4;
        const port = instance.Attributes?.AWS_INSTANCE_PORT;
        return ip && port ? [`http://${ip.includes(':') ? `[${ip}]` : ip}:${port}`] : [];
      });
      this.cache.set(service, { urls, revision: answer.InstancesRevision, fetchedAt: this.now(), next: 0 });
      this.recovered(service);
      if (urls.length === 0) logger.warn({ peer: service }, 'Cloud Map has no instance of the peer; using its URL');
    } catch (error) {
      // Until the next refresh the peer is found through its URL (Kubernetes DNS), never not at all.
      this.cache.set(service, { urls: [], fetchedAt: this.now(), next: 0 });
      if (!this.failing.has(service)) {
        this.failing.add(service);
        logger.warn({ err: error, peer: service }, 'Cloud Map unreachable; using the peer URL until it answers');
      }
    }
  }

  private recovered(service: string): void {
    if (this.failing.delete(service)) this.options.logger.info({ peer: service }, 'Cloud Map answers again');
  }

  private signal() {
    return { abortSignal: AbortSignal.timeout(this.timeoutMs) };
  }
}
