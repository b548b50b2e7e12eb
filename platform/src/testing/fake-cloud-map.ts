import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeInstance {
  id: string;
  attributes: Record<string, string>;
  health: 'HEALTHY' | 'UNHEALTHY';
}

/** The fields of the requests this fake answers (each operation sends some of them). */
interface RequestBody {
  ServiceId: string;
  InstanceId: string;
  Attributes: Record<string, string>;
  Status: string;
  NamespaceName: string;
  ServiceName: string;
  HealthStatus?: string;
}

interface FakeService {
  id: string;
  name: string;
  namespaceId: string;
  instances: Map<string, FakeInstance>;
  revision: number;
}

/**
 * AWS Cloud Map at the SDK's HTTP boundary (the awsJson1_1 protocol, `X-Amz-Target`), for the
 * operations MicroPay calls: the real `@aws-sdk/client-servicediscovery` talks to it through
 * `AWS_ENDPOINT_URL_SERVICEDISCOVERY`. `down` makes every call fail as an outage does.
 */
export class FakeCloudMap {
  readonly calls: { operation: string; body: Partial<RequestBody> }[] = [];
  down = false;
  /** Runs when an instance is deregistered, before the answer is sent (tests check ordering). */
  onDeregister?: (instance: FakeInstance) => Promise<void>;
  private readonly services = new Map<string, FakeService>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly namespace: { id: string; name: string },
  ) {}

  static async start(options: { namespace?: string; services: string[]; port?: number }): Promise<FakeCloudMap> {
    // eslint-disable-next-line prefer-const -- the handler needs the instance built after listen()
    let fake: FakeCloudMap | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        void fake!.handle(req, Buffer.concat(chunks).toString('utf8'), res);
      });
    });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    fake = new FakeCloudMap(server, `http://127.0.0.1:${port}`, {
      id: 'ns-fake0000000000000',
      name: options.namespace ?? 'micropay',
    });
    options.services.forEach((name, i) => fake!.addService(name, `srv-fake${String(i).padStart(12, '0')}`));
    return fake;
  }

  addService(name: string, id: string): void {
    this.services.set(id, { id, name, namespaceId: this.namespace.id, instances: new Map(), revision: 1 });
  }

  /** The instances of a service, by name. */
  instances(service: string): FakeInstance[] {
    return [...this.byName(service).instances.values()];
  }

  /** Registers an instance directly (a peer that is not under test). */
  put(service: string, instance: FakeInstance): void {
    const s = this.byName(service);
    s.instances.set(instance.id, instance);
    s.revision++;
  }

  remove(service: string, instanceId: string): void {
    const s = this.byName(service);
    s.instances.delete(instanceId);
    s.revision++;
  }

  count(operation: string): number {
    return this.calls.filter((c) => c.operation === operation).length;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private byName(name: string): FakeService {
    const service = [...this.services.values()].find((s) => s.name === name);
    if (!service) throw new Error(`fake Cloud Map has no service ${name}`);
    return service;
  }

  private async handle(req: http.IncomingMessage, text: string, res: http.ServerResponse): Promise<void> {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const body = (text ? JSON.parse(text) : {}) as RequestBody;
    this.calls.push({ operation, body });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(payload));
    };
    const fail = (type: string, message: string) => send(400, { __type: type, Message: message });
    if (this.down) {
      send(503, { __type: 'ServiceUnavailable', Message: 'fake outage' });
      return;
    }
    const service = (id: string) => this.services.get(id);
    switch (operation) {
      case 'ListNamespaces':
        return send(200, { Namespaces: [{ Id: this.namespace.id, Name: this.namespace.name, Type: 'HTTP' }] });
      case 'ListServices':
        return send(200, {
          Services: [...this.services.values()].map((s) => ({ Id: s.id, Name: s.name })),
        });
      case 'RegisterInstance': {
        const s = service(body.ServiceId);
        if (!s) return fail('ServiceNotFound', body.ServiceId);
        s.instances.set(body.InstanceId, { id: body.InstanceId, attributes: body.Attributes, health: 'HEALTHY' });
        s.revision++;
        return send(200, { OperationId: `op-${this.calls.length}` });
      }
      case 'DeregisterInstance': {
        const s = service(body.ServiceId);
        const instance = s?.instances.get(body.InstanceId);
        if (!s || !instance) return fail('InstanceNotFound', body.InstanceId);
        await this.onDeregister?.(instance);
        s.instances.delete(body.InstanceId);
        s.revision++;
        return send(200, { OperationId: `op-${this.calls.length}` });
      }
      case 'UpdateInstanceCustomHealthStatus': {
        const instance = service(body.ServiceId)?.instances.get(body.InstanceId);
        if (!instance) return fail('InstanceNotFound', body.InstanceId);
        instance.health = body.Status as FakeInstance['health'];
        this.byId(body.ServiceId).revision++;
        return send(200, {});
      }
      case 'DiscoverInstances': {
        const s = this.discoverable(body);
        if (!s) return fail('NamespaceNotFound', body.NamespaceName);
        const all = [...s.instances.values()];
        const healthy = all.filter((i) => i.health === 'HEALTHY');
        const chosen = body.HealthStatus === 'HEALTHY_OR_ELSE_ALL' && healthy.length === 0 ? all : healthy;
        return send(200, {
          Instances: chosen.map((i) => ({
            InstanceId: i.id,
            NamespaceName: this.namespace.name,
            ServiceName: s.name,
            HealthStatus: i.health,
            Attributes: i.attributes,
          })),
          InstancesRevision: s.revision,
        });
      }
      case 'DiscoverInstancesRevision': {
        const s = this.discoverable(body);
        if (!s) return fail('NamespaceNotFound', body.NamespaceName);
        return send(200, { InstancesRevision: s.revision });
      }
      default:
        return fail('UnknownOperationException', operation);
    }
  }

  private byId(id: string): FakeService {
    return this.services.get(id)!;
  }

  private discoverable(body: RequestBody): FakeService | undefined {
    if (body.NamespaceName !== this.namespace.name) return undefined;
    return [...this.services.values()].find((s) => s.name === body.ServiceName);
  }
}
