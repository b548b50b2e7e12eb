import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { specification } from '@aws-cdk/cfnspec';
import { parse, type Tags } from 'yaml';
import { PUBLIC_ROUTES, SANDBOX, SERVICE_NAMES } from '@micropay/platform';

// The CloudFormation templates in eksctl/aws/ checked against the CloudFormation resource
// specification (@aws-cdk/cfnspec, AWS's own machine-readable spec): every resource type
// exists, every property is known and has the right primitive, list or structure shape,
// required properties are present, and every Ref, GetAtt, Sub and condition points at
// something the template defines. Then the MicroPay rules: client ids, queues, routes.

const EKSCTL = path.resolve(__dirname, '..');
const spec = specification();

type Json = unknown;
interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, { Type: string; Default?: Json }>;
  Conditions?: Record<string, Json>;
  Resources: Record<
    string,
    {
      Type: string;
      Properties?: Record<string, Json>;
      DependsOn?: string | string[];
      Condition?: string;
      [k: string]: Json;
    }
  >;
  Outputs?: Record<string, { Value: Json; Condition?: string; Export?: { Name: Json }; Description?: string }>;
}

// ------------------------------------------------------------------ YAML with intrinsic tags

const INTRINSICS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'Transform',
];
const longName = (short: string) => (short === 'Ref' || short === 'Condition' ? short : `Fn::${short}`);

/** CloudFormation's short forms (!Ref, !GetAtt A.B, !Sub ...) as their long JSON forms. */
const cfnTags: Tags = [...INTRINSICS, 'Ref', 'Condition', 'GetAtt'].flatMap((short) => {
  const wrap = (value: unknown) => ({
    [longName(short)]:
      short === 'GetAtt' && typeof value === 'string'
        ? [value.slice(0, value.indexOf('.')), value.slice(value.indexOf('.') + 1)]
        : value,
  });
  return [
    { tag: `!${short}`, resolve: (value: string) => wrap(value) },
    { tag: `!${short}`, collection: 'seq' as const, resolve: (seq: { toJSON(): unknown }) => wrap(seq.toJSON()) },
    { tag: `!${short}`, collection: 'map' as const, resolve: (map: { toJSON(): unknown }) => wrap(map.toJSON()) },
  ];
}) as unknown as Tags;

const parseTemplate = (text: string) => parse(text, { customTags: cfnTags }) as Template;
const loadTemplate = (name: string) => parseTemplate(readFileSync(path.join(EKSCTL, 'aws', name), 'utf8'));

// ------------------------------------------------------------------ spec checks

interface PropertySpec {
  PrimitiveType?: string;
  Type?: string;
  PrimitiveItemType?: string;
  ItemType?: string;
  Required?: boolean;
}

const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);
const PARAMETER_TYPES =
  /^(String|Number|List<Number>|CommaDelimitedList|AWS::[A-Za-z0-9:]+|List<AWS::[A-Za-z0-9:]+>|AWS::SSM::Parameter::Value<.+>)$/;
const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'UpdatePolicy',
  'CreationPolicy',
  'Metadata',
]);
const TEMPLATE_KEYS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIntrinsic = (v: unknown) =>
  isObject(v) && Object.keys(v).length === 1 && /^(Ref|Fn::\w+)$/.test(Object.keys(v)[0]!);

function primitiveProblem(value: unknown, primitive: string): string | undefined {
  if (isIntrinsic(value)) return undefined;
  switch (primitive) {
    case 'String':
      return typeof value === 'string' ? undefined : `must be a String, got ${JSON.stringify(value)}`;
    case 'Integer':
    case 'Long':
      return Number.isInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value))
        ? undefined
        : `must be an ${primitive}, got ${JSON.stringify(value)}`;
    case 'Double':
      return typeof value === 'number' ||
        (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
        ? undefined
        : `must be a Double, got ${JSON.stringify(value)}`;
    case 'Boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false'
        ? undefined
        : `must be a Boolean, got ${JSON.stringify(value)}`;
    case 'Json':
      return isObject(value) || typeof value === 'string'
        ? undefined
        : `must be a JSON object, got ${JSON.stringify(value)}`;
    case 'Timestamp':
      return typeof value === 'string' ? undefined : `must be a Timestamp string`;
    default:
      return `has unknown primitive type ${primitive}`;
  }
}

function propertyTypeSpec(resourceType: string, name: string) {
  return spec.PropertyTypes[`${resourceType}.${name}`] ?? spec.PropertyTypes[name];
}

function checkStructure(
  value: unknown,
  resourceType: string,
  typeName: string,
  where: string,
  problems: string[],
): void {
  if (isIntrinsic(value)) return;
  const structure = propertyTypeSpec(resourceType, typeName) as
    { Properties?: Record<string, PropertySpec> } | undefined;
  if (!structure) return void problems.push(`${where}: the spec has no property type ${typeName}`);
  if (!isObject(value))
    return void problems.push(`${where}: must be a ${typeName} structure, got ${JSON.stringify(value)}`);
  checkProperties(value, structure.Properties ?? {}, resourceType, where, problems);
}

function checkValue(value: unknown, prop: PropertySpec, resourceType: string, where: string, problems: string[]): void {
  if (isIntrinsic(value)) return;
  if (prop.PrimitiveType) {
    const problem = primitiveProblem(value, prop.PrimitiveType);
    if (problem) problems.push(`${where} ${problem}`);
    return;
  }
  const item = (v: unknown, i: string) =>
    prop.PrimitiveItemType
      ? checkValue(v, { PrimitiveType: prop.PrimitiveItemType }, resourceType, `${where}${i}`, problems)
      : checkStructure(v, resourceType, prop.ItemType!, `${where}${i}`, problems);
  if (prop.Type === 'List') {
    if (!Array.isArray(value)) return void problems.push(`${where} must be a list, got ${JSON.stringify(value)}`);
    value.forEach((v, i) => item(v, `[${i}]`));
  } else if (prop.Type === 'Map') {
    if (!isObject(value)) return void problems.push(`${where} must be a map, got ${JSON.stringify(value)}`);
    Object.entries(value).forEach(([k, v]) => item(v, `.${k}`));
  } else if (prop.Type) {
    checkStructure(value, resourceType, prop.Type, where, problems);
  }
}

function checkProperties(
  values: Record<string, unknown>,
  props: Record<string, PropertySpec>,
  resourceType: string,
  where: string,
  problems: string[],
): void {
  for (const [key, value] of Object.entries(values)) {
    const prop = props[key];
    if (!prop) problems.push(`${where}.${key} is not a property of ${resourceType} in the CloudFormation spec`);
    else checkValue(value, prop, resourceType, `${where}.${key}`, problems);
  }
  for (const [key, prop] of Object.entries(props))
    if (prop.Required && !(key in values)) problems.push(`${where}: required property ${key} is missing`);
}

/** Every Ref/GetAtt/Sub/If/Condition target in a value, checked against the template. */
function checkReferences(value: unknown, template: Template, where: string, problems: string[]): void {
  const resources = template.Resources ?? {};
  const refable = (name: string) => PSEUDO.has(name) || name in (template.Parameters ?? {}) || name in resources;
  const attribute = (resource: string, attr: string, at: string) => {
    const r = resources[resource];
    if (!r) return void problems.push(`${at}: GetAtt of unknown resource ${resource}`);
    const attributes =
      (spec.ResourceTypes[r.Type] as { Attributes?: Record<string, unknown> } | undefined)?.Attributes ?? {};
    if (!(attr in attributes)) problems.push(`${at}: ${r.Type} has no attribute ${attr}`);
  };
  const conditionExists = (name: unknown, at: string) => {
    if (typeof name !== 'string' || !(name in (template.Conditions ?? {})))
      problems.push(`${at}: unknown condition ${JSON.stringify(name)}`);
  };
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${at}[${i}]`));
    if (!isObject(v)) return;
    for (const [key, inner] of Object.entries(v)) {
      if (key === 'Ref') {
        if (typeof inner !== 'string' || !refable(inner))
          problems.push(`${at}: Ref to unknown ${JSON.stringify(inner)}`);
      } else if (key === 'Fn::GetAtt') {
        if (!Array.isArray(inner) || inner.length !== 2)
          problems.push(`${at}: malformed GetAtt ${JSON.stringify(inner)}`);
        else attribute(String(inner[0]), String(inner[1]), at);
      } else if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(inner) ? (inner as [unknown, Record<string, unknown>?]) : [inner, undefined];
        if (typeof text !== 'string') problems.push(`${at}: Sub needs a string`);
        else {
          for (const [, name] of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
            if (vars && name! in vars) continue;
            const dot = name!.indexOf('.');
            if (dot > 0 && !PSEUDO.has(name!)) attribute(name!.slice(0, dot), name!.slice(dot + 1), at);
            else if (!refable(name!)) problems.push(`${at}: Sub refers to unknown \${${name}}`);
          }
        }
        if (vars) walk(vars, `${at}.Fn::Sub`);
      } else if (key === 'Fn::If') {
        if (Array.isArray(inner)) conditionExists(inner[0], at);
        walk(inner, `${at}.${key}`);
      } else if (key === 'Condition' && typeof inner === 'string' && at.includes('Conditions')) {
        conditionExists(inner, at);
      } else {
        walk(inner, `${at}.${key}`);
      }
    }
  };
  walk(value, where);
}

/** Everything wrong with a template, as sentences; empty when it is fine. */
function templateProblems(template: Template): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(template))
    if (!TEMPLATE_KEYS.has(key)) problems.push(`unknown template section ${key}`);
  if (template.AWSTemplateFormatVersion !== '2010-09-09') problems.push('AWSTemplateFormatVersion is not "2010-09-09"');
  for (const [name, p] of Object.entries(template.Parameters ?? {}))
    if (!PARAMETER_TYPES.test(p.Type)) problems.push(`parameter ${name}: unknown type ${p.Type}`);
  const resources = template.Resources ?? {};
  if (Object.keys(resources).length === 0) problems.push('no resources');
  for (const [name, resource] of Object.entries(resources)) {
    for (const key of Object.keys(resource))
      if (!RESOURCE_KEYS.has(key)) problems.push(`${name}: unknown resource attribute ${key}`);
    const type = spec.ResourceTypes[resource.Type] as { Properties?: Record<string, PropertySpec> } | undefined;
    if (!type) {
      problems.push(`${name}: resource type ${resource.Type} does not exist in the CloudFormation spec`);
      continue;
    }
    checkProperties(resource.Properties ?? {}, type.Properties ?? {}, resource.Type, name, problems);
    for (const dep of [resource.DependsOn ?? []].flat())
      if (!(dep in resources)) problems.push(`${name}: DependsOn unknown resource ${dep}`);
    if (resource.Condition !== undefined && !(resource.Condition in (template.Conditions ?? {})))
      problems.push(`${name}: unknown condition ${resource.Condition}`);
    checkReferences(resource.Properties ?? {}, template, name, problems);
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Value === undefined) problems.push(`output ${name} has no Value`);
    if (output.Condition !== undefined && !(output.Condition in (template.Conditions ?? {})))
      problems.push(`output ${name}: unknown condition ${output.Condition}`);
    checkReferences(output, template, `output ${name}`, problems);
  }
  checkReferences(template.Conditions ?? {}, template, 'Conditions', problems);
  return problems;
}

// ------------------------------------------------------------------ tests

const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

describe('AWS resources as CloudFormation (eksctl/aws)', () => {
  it('the spec is the real one (sanity: it knows the types these templates use)', () => {
    expect(Object.keys(spec.ResourceTypes).length).to.be.greaterThan(1000);
    expect(spec.ResourceTypes['AWS::ApiGatewayV2::Authorizer']).to.exist;
  });

  for (const file of ['foundation.yaml', 'api.yaml']) {
    it(`${file}: every type, property, shape, required property and reference checks out against the spec`, () => {
      const template = loadTemplate(file);
      expect(Object.keys(template.Resources).length).to.be.greaterThan(5);
      expect(templateProblems(template)).to.deep.equal([]);
    });
  }

  describe('foundation.yaml', () => {
    const t = loadTemplate('foundation.yaml');
    const props = (name: string) => t.Resources[name]!.Properties as Record<string, unknown>;

    it('has a user pool with the groups auth-service uses and a resource server with the scopes the services check', () => {
      expect(ofType(t, 'AWS::Cognito::UserPool')).to.have.length(1);
      expect(
        ofType(t, 'AWS::Cognito::UserPoolGroup')
          .map(([, r]) => r.Properties!.GroupName)
          .sort(),
      ).to.deep.equal(['admin', 'customer', 'merchant']);
      const [[, server]] = ofType(t, 'AWS::Cognito::UserPoolResourceServer') as unknown as [
        [string, { Properties: { Identifier: string; Scopes: { ScopeName: string }[] } }],
      ];
      expect(server.Properties.Identifier).to.equal('micropay');
      // The scopes the route definitions ask for (auth.client(...) / auth.userOrClient(...)).
      expect(server.Properties.Scopes.map((s) => s.ScopeName).sort()).to.deep.equal([
        'events:publish',
        'ledger:read',
        'ledger:write',
        'users:read',
      ]);
    });

    it('has a public client for USER_PASSWORD_AUTH without a secret, and a confidential client_credentials client with resource-server scopes', () => {
      const web = props('WebClient');
      expect(web.GenerateSecret).to.equal(false);
      expect(web.ExplicitAuthFlows).to.include.members(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
      expect(web.AllowedOAuthFlows).to.equal(undefined);
      const service = props('PaymentServiceClient');
      expect(service.GenerateSecret).to.equal(true);
      expect(service.AllowedOAuthFlows).to.deep.equal(['client_credentials']);
      expect(service.AllowedOAuthFlowsUserPoolClient).to.equal(true);
      expect(service.AllowedOAuthScopes).to.deep.equal([
        'micropay/ledger:read',
        'micropay/ledger:write',
        'micropay/events:publish',
      ]);
      expect(t.Resources.PaymentServiceClient!.DependsOn).to.equal('ResourceServer');
    });

    it('gives the consumer a queue with a dead-letter queue, subscribed to the topic, writable only by that topic', () => {
      const queue = props('NotificationQueue');
      expect(queue.QueueName).to.equal('micropay-notification-service');
      expect(queue.RedrivePolicy).to.deep.equal({
        deadLetterTargetArn: { 'Fn::GetAtt': ['NotificationDeadLetterQueue', 'Arn'] },
        maxReceiveCount: 5,
      });
      expect(props('NotificationDeadLetterQueue').MessageRetentionPeriod).to.be.greaterThan(
        queue.MessageRetentionPeriod as number,
      );
      expect(props('NotificationSubscription')).to.deep.include({
        TopicArn: { Ref: 'EventsTopic' },
        Protocol: 'sqs',
        Endpoint: { 'Fn::GetAtt': ['NotificationQueue', 'Arn'] },
        RawMessageDelivery: true,
      });
      const [statement] = (props('NotificationQueuePolicy').PolicyDocument as { Statement: Record<string, unknown>[] })
        .Statement;
      expect(statement).to.deep.include({
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
      });
      expect(statement!.Condition).to.deep.equal({ ArnEquals: { 'aws:SourceArn': { Ref: 'EventsTopic' } } });
    });

    it('names the topic and queue exactly as the IAM policies in cluster.yaml do', () => {
      const cluster = readFileSync(path.join(EKSCTL, 'cluster.yaml'), 'utf8');
      expect(cluster).to.contain(`:${String(props('EventsTopic').TopicName)}\n`);
      expect(cluster).to.contain(`:${String(props('NotificationQueue').QueueName)}\n`);
    });

    it('has a Cloud Map HTTP namespace with one service per MicroPay service', () => {
      expect(ofType(t, 'AWS::ServiceDiscovery::HttpNamespace')).to.have.length(1);
      expect(
        ofType(t, 'AWS::ServiceDiscovery::Service')
          .map(([, r]) => r.Properties!.Name)
          .sort(),
      ).to.deep.equal([...SERVICE_NAMES].sort());
    });

    it('outputs every value render-cluster.sh reads', () => {
      const script = readFileSync(path.join(EKSCTL, 'render-cluster.sh'), 'utf8');
      const read = [...script.matchAll(/\$\(output (\w+)\)/g)].map((m) => m[1]!);
      expect(read).to.have.length.greaterThan(5);
      expect(Object.keys(t.Outputs ?? {})).to.include.members(read);
    });
  });

  describe('api.yaml', () => {
    const t = loadTemplate('api.yaml');
    const foundation = loadTemplate('foundation.yaml');
    const routes = ofType(t, 'AWS::ApiGatewayV2::Route').map(
      ([, r]) => r.Properties as { RouteKey: string; AuthorizationType: string; AuthorizerId?: unknown },
    );

    it("routes exactly the manifest's public route table (and the sandbox's, public): public paths without the authorizer, the rest with it, /internal never", () => {
      const expected = new Map<string, 'NONE' | 'JWT'>();
      for (const r of [...PUBLIC_ROUTES, ...SANDBOX.routes]) {
        const auth = r.public === true ? 'NONE' : 'JWT';
        expected.set(`ANY ${r.prefix}`, auth);
        expected.set(`ANY ${r.prefix}/{proxy+}`, auth);
        if (Array.isArray(r.public)) for (const p of r.public) expected.set(`POST ${p}`, 'NONE');
      }
      const actual = new Map(routes.map((r) => [r.RouteKey, r.AuthorizationType as 'NONE' | 'JWT']));
      expect(Object.fromEntries(actual)).to.deep.equal(Object.fromEntries(expected));
      for (const r of routes.filter((x) => x.AuthorizationType === 'JWT'))
        expect(r.AuthorizerId).to.deep.equal({ Ref: 'CognitoAuthorizer' });
      expect(routes.some((r) => r.RouteKey.includes('/internal'))).to.equal(false);
      expect(routes.map((r) => r.RouteKey)).to.include.members([
        'POST /v1/auth/register',
        'POST /v1/auth/login',
        'POST /v1/auth/refresh',
        'ANY /.well-known/{proxy+}',
        'ANY /oauth2/token',
      ]);
    });

    it('authorizes with a JWT authorizer on the foundation stack issuer and client ids it exports', () => {
      const authorizer = t.Resources.CognitoAuthorizer!.Properties as {
        AuthorizerType: string;
        JwtConfiguration: { Issuer: unknown; Audience: unknown[] };
      };
      expect(authorizer.AuthorizerType).to.equal('JWT');
      const exportedSuffixes = Object.values(foundation.Outputs ?? {})
        .map((o) => (o.Export?.Name as { 'Fn::Sub'?: string } | undefined)?.['Fn::Sub'])
        .filter((s): s is string => Boolean(s))
        .map((s) => s.replace('${AWS::StackName}', ''));
      const imported = [authorizer.JwtConfiguration.Issuer, ...authorizer.JwtConfiguration.Audience].map((v) =>
        String((v as { 'Fn::ImportValue': { 'Fn::Sub': string } })['Fn::ImportValue']['Fn::Sub']).replace(
          '${FoundationStackName}',
          '',
        ),
      );
      expect(imported).to.deep.equal(['-Issuer', '-WebClientId', '-PaymentServiceClientId']);
      expect(exportedSuffixes).to.include.members(imported);
    });

    it('lets the VPC link reach the cluster VPC that cluster.yaml defines', () => {
      const cluster = parse(readFileSync(path.join(EKSCTL, 'cluster.yaml'), 'utf8')) as { vpc: { cidr: string } };
      expect(t.Parameters!.VpcCidr!.Default).to.equal(cluster.vpc.cidr);
      const [egress] = (
        t.Resources.VpcLinkSecurityGroup!.Properties as { SecurityGroupEgress: Record<string, unknown>[] }
      ).SecurityGroupEgress;
      expect(egress).to.deep.include({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: { Ref: 'VpcCidr' } });
    });

    it('reaches the internal load balancer listener through a VPC link and logs every request', () => {
      const integration = t.Resources.LoadBalancerIntegration!.Properties!;
      expect(integration).to.deep.include({
        IntegrationType: 'HTTP_PROXY',
        ConnectionType: 'VPC_LINK',
        ConnectionId: { Ref: 'VpcLink' },
        IntegrationUri: { Ref: 'LoadBalancerListenerArn' },
      });
      const stage = t.Resources.DefaultStage!.Properties as {
        AccessLogSettings: { DestinationArn: unknown; Format: string };
      };
      expect(stage.AccessLogSettings.DestinationArn).to.deep.equal({ 'Fn::GetAtt': ['AccessLogs', 'Arn'] });
      expect(() => JSON.parse(stage.AccessLogSettings.Format)).to.not.throw();
    });
  });

  describe('the checker itself', () => {
    const text = readFileSync(path.join(EKSCTL, 'aws', 'foundation.yaml'), 'utf8');
    const broken = (from: string | RegExp, to: string) => {
      const changed = text.replace(from, to);
      expect(changed, String(from)).to.not.equal(text);
      return templateProblems(parseTemplate(changed)).join('\n');
    };

    it('rejects a resource type that does not exist', () => {
      expect(broken('Type: AWS::SNS::Topic', 'Type: AWS::SNS::Topics')).to.match(
        /EventsTopic: resource type AWS::SNS::Topics does not exist/,
      );
    });

    it('rejects an unknown (misspelt) property, also inside a structure', () => {
      expect(
        broken('QueueName: micropay-notification-service\n', 'QueueNme: micropay-notification-service\n'),
      ).to.match(/NotificationQueue\.QueueNme is not a property of AWS::SQS::Queue/);
      expect(broken('MinimumLength: 8', 'MinLength: 8')).to.match(
        /UserPool\.Policies\.PasswordPolicy\.MinLength is not a property/,
      );
    });

    it('rejects the wrong shape: a string for a list, a word for an integer, a list for a structure', () => {
      expect(broken('UsernameAttributes: [email]', 'UsernameAttributes: email')).to.match(
        /UserPool\.UsernameAttributes must be a list/,
      );
      expect(broken('MessageRetentionPeriod: 345600', 'MessageRetentionPeriod: four days')).to.match(
        /NotificationQueue\.MessageRetentionPeriod must be an Integer/,
      );
      expect(
        broken(
          /TokenValidityUnits:\n {8}AccessToken: minutes\n {8}IdToken: minutes\n {8}RefreshToken: days/,
          'TokenValidityUnits: [minutes]',
        ),
      ).to.match(/WebClient\.TokenValidityUnits: must be a TokenValidityUnits structure/);
    });

    it('rejects a missing required property', () => {
      expect(broken(/ {6}UserPoolId: !Ref UserPool\n {6}GroupName: admin/, '      GroupName: admin')).to.match(
        /AdminGroup: required property UserPoolId is missing/,
      );
    });

    it('rejects references to nothing: Ref, GetAtt resource or attribute, Sub variable, condition', () => {
      expect(broken('TopicArn: !Ref EventsTopic', 'TopicArn: !Ref EventTopic')).to.match(
        /NotificationSubscription\.TopicArn: Ref to unknown "EventTopic"/,
      );
      expect(broken('Endpoint: !GetAtt NotificationQueue.Arn', 'Endpoint: !GetAtt NotificationQueue.Url')).to.match(
        /AWS::SQS::Queue has no attribute Url/,
      );
      expect(
        broken(
          '"https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}"',
          '"https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPoool}"',
        ),
      ).to.match(/Sub refers to unknown \$\{UserPoool\}/);
      expect(broken('Condition: HasSesIdentity\n    Properties', 'Condition: HasSes\n    Properties')).to.match(
        /EmailIdentity: unknown condition HasSes/,
      );
    });
  });
});
