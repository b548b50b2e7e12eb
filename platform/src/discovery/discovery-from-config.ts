import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import type { Logger } from 'pino';
import type { DiscoveryConfig } from '../config/service-config';
import { CloudMapDiscovery } from './cloud-map-discovery';
import { CloudMapRegistration } from './cloud-map-registration';
import { StaticDiscovery, type Discovery } from './discovery';

export interface CloudMapOverrides {
  /** Tests pass the fake's dummy credentials; unset: the SDK's default chain (IRSA in EKS). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * The one way a service finds its peers: `<PEER>_SERVICE_URL` alone, or Cloud Map in front of
 * them when `CLOUD_MAP_NAMESPACE` is set.
 */
export function discoveryFromConfig(
  config: DiscoveryConfig,
  logger: Logger,
  overrides: CloudMapOverrides = {},
): Discovery {
  const fallback = new StaticDiscovery(config.peers);
  const cloudMap = config.cloudMap;
  if (!cloudMap) return fallback;
  return new CloudMapDiscovery({
    client: cloudMapClient(config, overrides),
    namespace: cloudMap.namespace,
    fallback,
    logger,
    cacheTtlMs: cloudMap.cacheTtlMs,
  });
}

/**
 * This process's Cloud Map registration, when it runs with a namespace and a pod IP. `port` is
 * the one the server really listens on (PORT=0 picks a free one).
 */
export function registrationFromConfig(
  config: DiscoveryConfig,
  logger: Logger,
  overrides: CloudMapOverrides & { port?: number } = {},
): CloudMapRegistration | undefined {
  const cloudMap = config.cloudMap;
  if (!cloudMap?.ipv4) return undefined;
  return new CloudMapRegistration(
    cloudMapClient(config, overrides),
    {
      namespace: cloudMap.namespace,
      service: cloudMap.service,
      instanceId: cloudMap.instanceId,
      ipv4: cloudMap.ipv4,
      port: overrides.port ?? cloudMap.port,
      attributes: { version: cloudMap.version, node_version: process.version },
    },
    logger,
  );
}

/** The SDK client, its endpoint from `AWS_ENDPOINT_URL_SERVICEDISCOVERY` when set. */
export function cloudMapClient(config: DiscoveryConfig, overrides: CloudMapOverrides): ServiceDiscoveryClient {
  const cloudMap = config.cloudMap;
  return new ServiceDiscoveryClient({
    // A fake Cloud Map needs no real region; AWS itself gets AWS_REGION (or the SDK's chain).
    region: cloudMap?.region ?? (cloudMap?.endpoint ? 'us-east-1' : undefined),
    endpoint: cloudMap?.endpoint,
    // DiscoverInstances goes to the data-servicediscovery host; an endpoint override is one host.
    disableHostPrefix: cloudMap?.endpoint !== undefined,
    // One quick retry: discovery falls back to the peer URL rather than waiting on Cloud Map.
    maxAttempts: 2,
    credentials: overrides.credentials,
  });
}
