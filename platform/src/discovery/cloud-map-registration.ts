import {
  DeregisterInstanceCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  type ListServicesCommandOutput,
  RegisterInstanceCommand,
  UpdateInstanceCustomHealthStatusCommand,
  type ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import type { Logger } from 'pino';

export interface CloudMapInstance {
  /** `CLOUD_MAP_NAMESPACE`. */
  namespace: string;
  /** `CLOUD_MAP_SERVICE`: the Cloud Map service this process is an instance of. */
  service: string;
  /** The pod name (hostname): unique per pod, so a restarted pod replaces its own entry. */
  instanceId: string;
  ipv4: string;
  port: number;
  /** Extra attributes (the version of the code running), shown by `aws servicediscovery list-instances`. */
  attributes: Record<string, string>;
}

/**
 * This process as an instance in AWS Cloud Map: registered on start, its readiness reported as
 * the custom health status (healthy instances are discovered first), deregistered on SIGTERM
 * before the server closes (docs/deploy.md, "Discovery"). The namespace and service ids are
 * looked up once, by name.
 */
export class CloudMapRegistration {
  private serviceId?: string;
  private registered = false;
  private reported?: boolean;

  constructor(
    private readonly client: ServiceDiscoveryClient,
    readonly instance: CloudMapInstance,
    private readonly logger: Logger,
  ) {}

  get isRegistered(): boolean {
    return this.registered;
  }

  async register(): Promise<void> {
    const serviceId = await this.lookUpServiceId();
    const { instanceId, ipv4, port, attributes } = this.instance;
    await this.client.send(
      new RegisterInstanceCommand({
        ServiceId: serviceId,
        InstanceId: instanceId,
        CreatorRequestId: `${instanceId}-${Date.now()}`,
        Attributes: { ...attributes, AWS_INSTANCE_IPV4: ipv4, AWS_INSTANCE_PORT: String(port) },
      }),
    );
    this.registered = true;
    this.reported = undefined;
    this.logger.info({ cloud_map: { ...this.instance, serviceId } }, 'registered in Cloud Map');
  }

  /** Sets the custom health status when readiness changed since the last report. */
  async reportHealth(ready: boolean): Promise<void> {
    if (!this.registered || !this.serviceId || this.reported === ready) return;
    await this.client.send(
      new UpdateInstanceCustomHealthStatusCommand({
        ServiceId: this.serviceId,
        InstanceId: this.instance.instanceId,
        Status: ready ? 'HEALTHY' : 'UNHEALTHY',
      }),
    );
    this.reported = ready;
  }

  async deregister(): Promise<void> {
    if (!this.registered || !this.serviceId) return;
    await this.client.send(
      new DeregisterInstanceCommand({ ServiceId: this.serviceId, InstanceId: this.instance.instanceId }),
    );
    this.registered = false;
    this.logger.info({ instance_id: this.instance.instanceId }, 'deregistered from Cloud Map');
  }

  private async lookUpServiceId(): Promise<string> {
    if (this.serviceId) return this.serviceId;
    const { namespace, service } = this.instance;
    let namespaceId: string | undefined;
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListNamespacesCommand({ NextToken: token }));
      namespaceId = page.Namespaces?.find((n) => n.Name === namespace)?.Id;
      token = page.NextToken;
    } while (!namespaceId && token);
    if (!namespaceId) throw new Error(`Cloud Map namespace ${namespace} does not exist (CLOUD_MAP_NAMESPACE)`);
    token = undefined;
    do {
      const page: ListServicesCommandOutput = await this.client.send(
        new ListServicesCommand({
          Filters: [{ Name: 'NAMESPACE_ID', Values: [namespaceId], Condition: 'EQ' }],
          NextToken: token,
        }),
      );
      this.serviceId = page.Services?.find((s) => s.Name === service)?.Id;
      token = page.NextToken;
    } while (!this.serviceId && token);
    if (!this.serviceId) {
      throw new Error(`Cloud Map service ${service} does not exist in namespace ${namespace} (CLOUD_MAP_SERVICE)`);
    }
    return this.serviceId;
  }
}
