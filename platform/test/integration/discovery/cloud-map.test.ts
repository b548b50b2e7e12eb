import { expect } from 'chai';
import { z } from 'zod';
import {
  baseConfig,
  CloudMapDiscovery,
  cloudMapClient,
  discoveryFromConfig,
  loadConfig,
  registrationFromConfig,
  serviceEnv,
  StaticDiscovery,
} from '../../../src';
import { FakeCloudMap, testLogger } from '../../../src/testing';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const schema = z.object(serviceEnv('payment-service')).transform((e) => baseConfig(e, 'payment-service'));

/** payment-service's discovery config as the chart would set it, pointing at the fake. */
function discoveryConfig(fake: FakeCloudMap, extra: Record<string, string> = {}) {
  return loadConfig(schema, {
    CLOUD_MAP_NAMESPACE: fake.namespace.name,
    AWS_ENDPOINT_URL_SERVICEDISCOVERY: fake.url,
    TRANSACTION_SERVICE_URL: 'http://transaction-service.micropay.svc:8082',
    NOTIFICATION_SERVICE_URL: 'http://notification-service.micropay.svc:8084',
    ...extra,
  }).discovery;
}

function instance(id: string, ip: string, health: 'HEALTHY' | 'UNHEALTHY' = 'HEALTHY') {
  return { id, attributes: { AWS_INSTANCE_IPV4: ip, AWS_INSTANCE_PORT: '8082' }, health };
}

describe('Cloud Map discovery (real SDK against a fake Cloud Map)', () => {
  let fake: FakeCloudMap;
  beforeEach(async () => {
    fake = await FakeCloudMap.start({ services: ['transaction-service', 'notification-service', 'payment-service'] });
  });
  afterEach(() => fake.close());

  it('registers with the pod name, IP, port and version, reports readiness, and deregisters', async () => {
    const config = discoveryConfig(fake, {
      POD_IP: '10.1.2.3',
      POD_NAME: 'payment-7d9f-abc',
      SERVICE_VERSION: '1.4.2',
    });
    const registration = registrationFromConfig(config, testLogger(), { credentials })!;
    await registration.register();
    const [registered] = fake.instances('payment-service');
    expect(registered?.id).to.equal('payment-7d9f-abc');
    expect(registered?.attributes).to.include({
      AWS_INSTANCE_IPV4: '10.1.2.3',
      AWS_INSTANCE_PORT: '8083',
      version: '1.4.2',
    });

    await registration.reportHealth(false);
    expect(fake.instances('payment-service')[0]?.health).to.equal('UNHEALTHY');
    await registration.reportHealth(false); // unchanged: not sent again
    expect(fake.count('UpdateInstanceCustomHealthStatus')).to.equal(1);
    await registration.reportHealth(true);
    expect(fake.instances('payment-service')[0]?.health).to.equal('HEALTHY');

    await registration.deregister();
    expect(fake.instances('payment-service')).to.deep.equal([]);
    // The namespace and service ids were looked up once, by name.
    expect(fake.count('ListNamespaces')).to.equal(1);
    expect(fake.count('ListServices')).to.equal(1);
  });

  it('does not register without a pod IP (a process outside a pod only discovers)', () => {
    expect(registrationFromConfig(discoveryConfig(fake), testLogger(), { credentials })).to.equal(undefined);
  });

  it('refuses a namespace that does not exist, naming the variable', async () => {
    const config = discoveryConfig(fake, { POD_IP: '10.1.2.3', CLOUD_MAP_NAMESPACE: 'other' });
    const error = await registrationFromConfig(config, testLogger(), { credentials })!
      .register()
      .catch((e: Error) => e);
    expect(String(error)).to.contain('CLOUD_MAP_NAMESPACE');
  });

  it('spreads calls across the healthy instances, and uses unhealthy ones only when none is healthy', async () => {
    fake.put('transaction-service', instance('a', '10.0.0.1'));
    fake.put('transaction-service', instance('b', '10.0.0.2'));
    fake.put('transaction-service', instance('c', '10.0.0.3', 'UNHEALTHY'));
    const discovery = discoveryFromConfig(discoveryConfig(fake), testLogger(), { credentials });
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add(await discovery.resolve('transaction-service'));
    expect([...seen].sort()).to.deep.equal(['http://10.0.0.1:8082', 'http://10.0.0.2:8082']);

    fake.put('notification-service', { ...instance('n', '10.0.9.9', 'UNHEALTHY') });
    expect(await discovery.resolve('notification-service')).to.equal('http://10.0.9.9:8082');
  });

  it('falls back to <PEER>_SERVICE_URL when Cloud Map has no instance', async () => {
    const discovery = discoveryFromConfig(discoveryConfig(fake), testLogger(), { credentials });
    expect(await discovery.resolve('transaction-service')).to.equal('http://transaction-service.micropay.svc:8082');
    expect(fake.count('DiscoverInstances')).to.equal(1);
  });

  it('falls back to <PEER>_SERVICE_URL when Cloud Map is down or not there at all', async () => {
    fake.put('transaction-service', instance('a', '10.0.0.1'));
    fake.down = true;
    const down = discoveryFromConfig(discoveryConfig(fake), testLogger(), { credentials });
    expect(await down.resolve('transaction-service')).to.equal('http://transaction-service.micropay.svc:8082');

    const unreachable = discoveryFromConfig(
      discoveryConfig(fake, { AWS_ENDPOINT_URL_SERVICEDISCOVERY: 'http://127.0.0.1:1' }),
      testLogger(),
      { credentials },
    );
    expect(await unreachable.resolve('transaction-service')).to.equal('http://transaction-service.micropay.svc:8082');
  });

  it('caches briefly, refreshes in the background, and skips unchanged answers by revision', async () => {
    fake.put('transaction-service', instance('a', '10.0.0.1'));
    let now = 1_000_000;
    const config = discoveryConfig(fake);
    const discovery = new CloudMapDiscovery({
      client: cloudMapClient(config, { credentials }),
      namespace: fake.namespace.name,
      fallback: new StaticDiscovery(config.peers),
      logger: testLogger(),
      cacheTtlMs: 5000,
      now: () => now,
    });
    expect(await discovery.resolve('transaction-service')).to.equal('http://10.0.0.1:8082');

    // Within the TTL the cached answer is used without asking Cloud Map.
    fake.remove('transaction-service', 'a');
    fake.put('transaction-service', instance('b', '10.0.0.2'));
    expect(await discovery.resolve('transaction-service')).to.equal('http://10.0.0.1:8082');
    expect(fake.count('DiscoverInstances') + fake.count('DiscoverInstancesRevision')).to.equal(1);

    // Past it, the caller gets the cached answer at once while a refresh runs behind it.
    now += 5000;
    expect(await discovery.resolve('transaction-service')).to.equal('http://10.0.0.1:8082');
    await discovery.settled();
    expect(await discovery.resolve('transaction-service')).to.equal('http://10.0.0.2:8082');
    expect(fake.count('DiscoverInstancesRevision')).to.equal(1);
    expect(fake.count('DiscoverInstances')).to.equal(2);

    // Nothing changed: the revision says so, and the instances are not fetched again.
    now += 5000;
    await discovery.resolve('transaction-service');
    await discovery.settled();
    expect(fake.count('DiscoverInstancesRevision')).to.equal(2);
    expect(fake.count('DiscoverInstances')).to.equal(2);
  });
});
