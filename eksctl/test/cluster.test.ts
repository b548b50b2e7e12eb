import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '@micropay/platform';

// eksctl/cluster.yaml against eksctl's own ClusterConfig JSON schema (a copy in eksctl/schema/,
// so a fresh clone needs nothing beside the repository), plus the rules of issue #5 the schema
// cannot express: zones, node counts, one least-privilege IAM role per service.

const EKSCTL = path.resolve(__dirname, '..');
const SERVICES = SERVICE_NAMES;

/** The variables render-cluster.sh fills, read from its envsubst line so the two cannot drift. */
function renderedVariables(): string[] {
  const script = readFileSync(path.join(EKSCTL, 'render-cluster.sh'), 'utf8');
  const list = /envsubst '([^']+)'/.exec(script)?.[1] ?? '';
  return list
    .split(/\s+/)
    .filter(Boolean)
    .map((v) => v.replace(/^\$/, ''));
}

const SAMPLE: Record<string, string> = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCOUNT_ID: '123456789012',
  COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
  CLOUD_MAP_NAMESPACE_ID: 'ns-abcdefghijklmnop',
  CLOUD_MAP_SERVICE_ID_AUTH: 'srv-auth0000000000000',
  CLOUD_MAP_SERVICE_ID_TRANSACTION: 'srv-txn00000000000000',
  CLOUD_MAP_SERVICE_ID_PAYMENT: 'srv-pay00000000000000',
  CLOUD_MAP_SERVICE_ID_NOTIFICATION: 'srv-ntf00000000000000',
  SES_IDENTITY: 'micropay.example.com',
};

/** cluster.yaml as render-cluster.sh would print it, with sample values. */
function renderedText(text = readFileSync(path.join(EKSCTL, 'cluster.yaml'), 'utf8')): string {
  return text.replace(/\$\{(\w+)\}/g, (whole, name: string) => SAMPLE[name] ?? whole);
}

// eksctl's schema carries editor hints (x-intellij-html-description): not errors.
const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile(
  JSON.parse(readFileSync(path.join(EKSCTL, 'schema', 'eksctl-clusterconfig-v1alpha5.schema.json'), 'utf8')),
);

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}
interface ServiceAccount {
  metadata: { name: string; namespace: string };
  roleOnly?: boolean;
  roleName?: string;
  attachPolicy?: { Statement: Statement[] };
  wellKnownPolicies?: Record<string, boolean>;
}
interface ClusterConfig {
  metadata: { name: string; region: string; version: string };
  availabilityZones?: string[];
  iam?: { withOIDC?: boolean; serviceAccounts?: ServiceAccount[] };
  addons?: { name: string; configurationValues?: string }[];
  managedNodeGroups?: {
    name: string;
    instanceType?: string;
    desiredCapacity?: number;
    minSize?: number;
    maxSize?: number;
    availabilityZones?: string[];
  }[];
  cloudWatch?: { clusterLogging?: { enableTypes?: string[] } };
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Which AWS actions each service may call (issue #5): nothing more is granted. */
/** Every service registers itself, reports its health, looks its ids up by name and discovers peers. */
const CLOUD_MAP_ACTIONS = [
  'servicediscovery:RegisterInstance',
  'servicediscovery:DeregisterInstance',
  'servicediscovery:UpdateInstanceCustomHealthStatus',
  'servicediscovery:DiscoverInstances',
  'servicediscovery:DiscoverInstancesRevision',
  'servicediscovery:ListNamespaces',
  'servicediscovery:ListServices',
];

/** Actions IAM grants only on `"*"` (they have no resource type), so a statement of them alone may. */
const RESOURCELESS_ACTIONS = ['servicediscovery:ListNamespaces', 'servicediscovery:ListServices'];

const ALLOWED_ACTIONS: Record<string, string[]> = {
  'auth-service': [
    'cognito-idp:AdminConfirmSignUp',
    'cognito-idp:AdminAddUserToGroup',
    'cognito-idp:AdminRemoveUserFromGroup',
    'cognito-idp:AdminGetUser',
    'cognito-idp:AdminListGroupsForUser',
    ...CLOUD_MAP_ACTIONS,
  ],
  // No sns:Publish until the ledger publishes events (it has no outbox yet).
  'transaction-service': [...CLOUD_MAP_ACTIONS],
  'payment-service': [...CLOUD_MAP_ACTIONS, 'sns:Publish'],
  'notification-service': [
    ...CLOUD_MAP_ACTIONS,
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
    'ses:SendEmail',
    'ses:SendRawEmail',
    'sns:CreatePlatformEndpoint',
    'sns:Publish',
    'sns:GetEndpointAttributes',
    'sns:SetEndpointAttributes',
  ],
};

/**
 * The one wildcard allowed: the endpoints of a named SNS platform application. SNS names each
 * device's endpoint with a generated id, so no policy can list them; the application is named.
 */
const PER_DEVICE_ENDPOINTS = /^arn:aws:sns:[\w-]+:\d{12}:endpoint\/(APNS|APNS_SANDBOX|GCM)\/micropay-[\w-]+\/\*$/;

/** Everything wrong with a rendered ClusterConfig, as sentences; empty when it is fine. */
function clusterProblems(config: unknown): string[] {
  const problems: string[] = [];
  if (!validateSchema(config)) {
    for (const e of validateSchema.errors ?? [])
      problems.push(
        `schema: ${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
      );
  }
  const c = config as ClusterConfig;
  if (c.metadata?.version !== '1.33') problems.push(`EKS version is ${c.metadata?.version}, not 1.33`);
  const zones = new Set(c.availabilityZones ?? []);
  if (zones.size < 2) problems.push(`the cluster spans ${zones.size} availability zone(s), fewer than 2`);

  const groups = c.managedNodeGroups ?? [];
  if (groups.length === 0) problems.push('no managed node group');
  for (const g of groups) {
    const expected = { instanceType: 't3.medium', desiredCapacity: 3, minSize: 2, maxSize: 4 };
    for (const [key, value] of Object.entries(expected)) {
      if (g[key as keyof typeof g] !== value)
        problems.push(`node group ${g.name}: ${key} is ${JSON.stringify(g[key as keyof typeof g])}, expected ${value}`);
    }
    if (new Set(g.availabilityZones ?? c.availabilityZones ?? []).size < 2)
      problems.push(`node group ${g.name} is not spread over at least 2 zones`);
  }

  if (c.iam?.withOIDC !== true) problems.push('iam.withOIDC is not on: service accounts cannot assume IAM roles');
  const accounts = c.iam?.serviceAccounts ?? [];
  for (const service of SERVICES) {
    const sa = accounts.find((a) => a.metadata?.name === service);
    if (!sa) {
      problems.push(`no IAM service account for ${service}`);
      continue;
    }
    if (sa.metadata.namespace !== 'micropay')
      problems.push(`${service}: service account namespace is ${sa.metadata.namespace}, not micropay`);
    const statements = sa.attachPolicy?.Statement ?? [];
    if (statements.length === 0) problems.push(`${service}: no inline policy`);
    for (const s of statements) {
      const resourceless = list(s.Action).every((action) => RESOURCELESS_ACTIONS.includes(action));
      for (const resource of list(s.Resource)) {
        if (resource === '*' && resourceless) continue;
        if (PER_DEVICE_ENDPOINTS.test(resource)) continue;
        if (resource.includes('*'))
          problems.push(`${service}: statement ${s.Sid} grants on "${resource}": a wildcard resource`);
        else if (!resource.startsWith(`arn:aws:`) || !resource.includes(`:${SAMPLE.AWS_ACCOUNT_ID}:`))
          problems.push(`${service}: resource ${resource} is not an ARN in the cluster's account`);
      }
      for (const action of list(s.Action)) {
        if (action.includes('*')) problems.push(`${service}: statement ${s.Sid} allows "${action}": a wildcard action`);
        else if (!(ALLOWED_ACTIONS[service] ?? []).includes(action))
          problems.push(`${service}: action ${action} is more than the service needs`);
      }
      if (s.Effect !== 'Allow') problems.push(`${service}: statement ${s.Sid} is not an Allow`);
    }
    const granted = new Set(statements.flatMap((s) => list(s.Action)));
    if (!ALLOWED_ACTIONS[service]) problems.push(`${service}: this test does not say which AWS actions it needs`);
    for (const action of ALLOWED_ACTIONS[service] ?? [])
      if (!granted.has(action)) problems.push(`${service}: ${action} is not granted`);
  }
  const lbc = accounts.find((a) => a.metadata?.name === 'aws-load-balancer-controller');
  if (lbc?.metadata.namespace !== 'kube-system' || lbc.wellKnownPolicies?.awsLoadBalancerController !== true) {
    problems.push(
      'no kube-system/aws-load-balancer-controller service account with the awsLoadBalancerController policy',
    );
  }

  const addons = new Set((c.addons ?? []).map((a) => a.name));
  for (const addon of ['vpc-cni', 'coredns', 'kube-proxy', 'metrics-server'])
    if (!addons.has(addon)) problems.push(`add-on ${addon} is missing`);
  const cni = (c.addons ?? []).find((a) => a.name === 'vpc-cni');
  let cniValues: { enableNetworkPolicy?: unknown } = {};
  try {
    cniValues = JSON.parse(cni?.configurationValues ?? '{}') as typeof cniValues;
  } catch {
    problems.push('vpc-cni configurationValues is not JSON');
  }
  if (cniValues.enableNetworkPolicy !== 'true')
    problems.push('vpc-cni does not enforce NetworkPolicy (configurationValues.enableNetworkPolicy is not "true")');
  const logging = new Set(c.cloudWatch?.clusterLogging?.enableTypes ?? []);
  for (const type of ['api', 'audit', 'authenticator'])
    if (!logging.has(type) && !logging.has('all'))
      problems.push(`control-plane ${type} logs are not sent to CloudWatch`);
  return problems;
}

describe('eksctl/cluster.yaml', () => {
  const load = () => parse(renderedText()) as ClusterConfig;

  it('uses only placeholders that render-cluster.sh fills, and renders to no placeholder at all', () => {
    const text = readFileSync(path.join(EKSCTL, 'cluster.yaml'), 'utf8');
    const used = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!));
    expect([...used].sort()).to.deep.equal(renderedVariables().sort());
    expect(Object.keys(SAMPLE).sort()).to.deep.equal(renderedVariables().sort());
    expect(renderedText()).to.not.match(/\$\{\w+\}/);
  });

  it('validates against the eksctl ClusterConfig v1alpha5 schema and meets every cluster rule', () => {
    expect(clusterProblems(load())).to.deep.equal([]);
  });

  it('gives each service its own role for micropay/<service>, created by eksctl and bound by the chart', () => {
    const accounts = load().iam!.serviceAccounts!;
    for (const service of SERVICES) {
      const sa = accounts.find((a) => a.metadata.name === service)!;
      expect(sa, service).to.include({ roleOnly: true, roleName: `micropay-${service}` });
    }
  });

  describe('the checks themselves', () => {
    const broken = (mutate: (c: ClusterConfig & Record<string, unknown>) => void) => {
      const config = load() as ClusterConfig & Record<string, unknown>;
      mutate(config);
      return clusterProblems(config).join('\n');
    };

    it('the schema rejects a misspelt key, a wrong type and an unknown log type', () => {
      expect(
        broken((c) => {
          (c.managedNodeGroups![0] as Record<string, unknown>).desiredCapcity = 3;
        }),
      ).to.match(/schema: \/managedNodeGroups\/0 must NOT have additional properties \(desiredCapcity\)/);
      expect(
        broken((c) => {
          (c.managedNodeGroups![0] as Record<string, unknown>).minSize = 'two';
        }),
      ).to.match(/schema: \/managedNodeGroups\/0\/minSize must be integer/);
      expect(
        broken((c) => {
          c.cloudWatch!.clusterLogging!.enableTypes = ['everything'];
        }),
      ).to.match(/schema: \/cloudWatch\/clusterLogging\/enableTypes\/0 must be equal to one of the allowed values/);
      expect(
        broken((c) => {
          delete (c.metadata as Partial<ClusterConfig['metadata']>).region;
        }),
      ).to.match(/schema: \/metadata must have required property 'region'/);
    });

    it('rejects one zone, other node counts, and no OIDC', () => {
      expect(
        broken((c) => {
          c.availabilityZones = ['eu-west-1a'];
          c.managedNodeGroups![0]!.availabilityZones = ['eu-west-1a'];
        }),
      ).to.match(/fewer than 2[\s\S]*not spread over at least 2 zones/);
      expect(
        broken((c) => {
          c.managedNodeGroups![0]!.maxSize = 10;
        }),
      ).to.match(/maxSize is 10, expected 4/);
      expect(
        broken((c) => {
          c.iam!.withOIDC = false;
        }),
      ).to.match(/withOIDC is not on/);
    });

    it('rejects a wildcard resource, a wildcard action, a permission a service does not need, and a missing account', () => {
      const pay = (c: ClusterConfig) => c.iam!.serviceAccounts!.find((a) => a.metadata.name === 'payment-service')!;
      expect(
        broken((c) => {
          pay(c).attachPolicy!.Statement[0]!.Resource = '*';
        }),
      ).to.match(/payment-service: statement \S+ grants on "\*"/);
      expect(
        broken((c) => {
          pay(c).attachPolicy!.Statement.push({
            Effect: 'Allow',
            Action: 'sqs:*',
            Resource: 'arn:aws:sqs:eu-west-1:123456789012:micropay-notification-service',
          });
        }),
      ).to.match(/allows "sqs:\*"/);
      expect(
        broken((c) => {
          pay(c).attachPolicy!.Statement.push({
            Effect: 'Allow',
            Action: 'ses:SendEmail',
            Resource: 'arn:aws:ses:eu-west-1:123456789012:identity/x',
          });
        }),
      ).to.match(/payment-service: action ses:SendEmail is more than the service needs/);
      expect(
        broken((c) => {
          c.iam!.serviceAccounts = c.iam!.serviceAccounts!.filter((a) => a.metadata.name !== 'notification-service');
        }),
      ).to.match(/no IAM service account for notification-service/);
      expect(
        broken((c) => {
          c.addons = c.addons!.filter((a) => a.name !== 'metrics-server');
        }),
      ).to.match(/add-on metrics-server is missing/);
      expect(
        broken((c) => {
          delete c.addons!.find((a) => a.name === 'vpc-cni')!.configurationValues;
        }),
      ).to.match(/vpc-cni does not enforce NetworkPolicy/);
    });
  });
});
