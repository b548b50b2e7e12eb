/**
 * One description of every chart value, from which charts/tools/generate-charts.ts writes each
 * chart's values.yaml (a comment on every key), values.schema.json (draft-07, closed objects)
 * and the values table of its README. The four service charts share most keys; what differs is
 * in SERVICES below, read from each service's src/config.ts.
 */

import {
  callersOf,
  eventSubscribersOf,
  peerUrlVariable,
  PUBLIC_ROUTES,
  SANDBOX,
  serviceManifest,
  SERVICES as MANIFEST_SERVICES,
} from '@micropay/platform';

export type JsonSchema = Record<string, unknown>;

/**
 * Comments for the keys inside a leaf's default value (a map or a list of maps), so that
 * values.yaml has a comment above every key at every depth. A key may carry the comments of the
 * keys inside its own value; `items` documents the keys of every item of a list.
 */
export interface KeyDocs {
  keys?: Record<string, string | { comment: string; docs: KeyDocs }>;
  items?: KeyDocs;
}

/** A value with a type: a scalar, or a list/map whose shape Kubernetes or the user owns. */
export interface Leaf {
  kind: 'leaf';
  description: string;
  schema: JsonSchema;
  default: unknown;
  /** Comments for the keys inside `default` (required when it has any). */
  docs?: KeyDocs;
}

/** An object the chart owns: unknown keys are refused. */
export interface Group {
  kind: 'group';
  description: string;
  fields: Record<string, Node>;
  /** Keys beyond `fields` allowed with this schema (a map the chart still types). */
  additional?: JsonSchema;
  required?: string[];
  /** More JSON schema keywords for this object (if/then rules between its keys). */
  rules?: JsonSchema;
}

export type Node = Leaf | Group;

export const leaf = (description: string, schema: JsonSchema, value: unknown, docs?: KeyDocs): Leaf => ({
  kind: 'leaf',
  description,
  schema,
  default: value,
  ...(docs ? { docs } : {}),
});
export const group = (description: string, fields: Record<string, Node>, extra: Partial<Group> = {}): Group => ({
  kind: 'group',
  description,
  fields,
  ...extra,
});

const str = (description: string, value = '', extra: JsonSchema = {}) =>
  leaf(description, { type: 'string', ...extra }, value);
const int = (description: string, value: number, minimum = 0) => leaf(description, { type: 'integer', minimum }, value);
const bool = (description: string, value: boolean) => leaf(description, { type: 'boolean' }, value);
const anyObject = (description: string, value: Record<string, unknown> = {}) =>
  leaf(description, { type: 'object' }, value);
const stringMap = (description: string, value: Record<string, string> = {}, docs?: KeyDocs) =>
  leaf(description, { type: 'object', additionalProperties: { type: 'string' } }, value, docs);
const list = (description: string, items: JsonSchema, value: unknown[] = [], docs?: KeyDocs) =>
  leaf(description, { type: 'array', items }, value, docs);

const ENV_NAME = '^[A-Z][A-Z0-9_]*$';
const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const QUANTITY = { type: ['string', 'integer'] };
const resourceList = {
  type: 'object',
  additionalProperties: false,
  properties: { cpu: QUANTITY, memory: QUANTITY, 'ephemeral-storage': QUANTITY },
};
const resourceDocs = (container: string, autoscaled: boolean): KeyDocs => ({
  keys: {
    requests: {
      comment: `What the scheduler reserves on a node for the ${container}${autoscaled ? '; the HPA utilisation targets are percentages of these' : ''}. Unset: Kubernetes uses the limits (or nothing).`,
      docs: {
        keys: {
          cpu: 'CPU reserved, in cores or millicores (100m = 0.1 core); also the weight of the container under CPU contention.',
          memory: 'Memory reserved, in bytes with a suffix (Mi = mebibytes, Gi = gibibytes).',
          'ephemeral-storage': 'Local disk reserved (logs, the /tmp emptyDir), with a suffix such as Mi or Gi.',
        },
      },
    },
    limits: {
      comment: `Hard caps of the ${container}; a resource without a limit may use whatever the node has free.`,
      docs: {
        keys: {
          cpu: 'CPU ceiling in cores or millicores; above it the container is throttled. Left unset here on purpose.',
          memory:
            'Memory ceiling (Mi = mebibytes); above it the container is OOM-killed and restarted. Keep it at or above requests.memory.',
          'ephemeral-storage': 'Local disk ceiling; above it the pod is evicted.',
        },
      },
    },
  },
});
const resources = (description: string, value: unknown, container: string, autoscaled: boolean) =>
  leaf(
    description,
    { type: 'object', additionalProperties: false, properties: { requests: resourceList, limits: resourceList } },
    value,
    resourceDocs(container, autoscaled),
  );

const secretRef = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'key'],
  properties: {
    name: { type: 'string', pattern: DNS_LABEL, description: 'An existing Secret in the release namespace.' },
    key: { type: 'string', minLength: 1 },
    optional: { type: 'boolean' },
  },
};

const secretRefDocs = (env: string): KeyDocs => ({
  keys: {
    name: 'Name of the existing Secret, in the release namespace.',
    key: `Key in that Secret whose value becomes ${env}.`,
    optional: `true: pods start even when the Secret or key is missing (${env} is then unset); false or unset: they do not start until it exists.`,
  },
});

const probe = (what: string, periodSeconds: number, failureThreshold: number) =>
  group(`The ${what} probe.`, {
    periodSeconds: int('Seconds between probes.', periodSeconds, 1),
    timeoutSeconds: int('Seconds before one probe counts as failed.', 2, 1),
    failureThreshold: int('Failed probes in a row before Kubernetes acts.', failureThreshold, 1),
  });

/** What a service chart needs to know about its service beyond the manifest. */
interface ChartSettings {
  /** JSON schema rules between the keys of `config`. */
  configRules?: JsonSchema;
  /** Plain settings of the service's src/config.ts that the chart passes through a ConfigMap. */
  config: Record<string, Leaf>;
  /** Settings read from existing Secrets: env name → Secret name and key. */
  secretEnv: Record<string, { name: string; key: string; optional?: boolean }>;
}

/** A service chart's facts: name and port from platform/src/manifest/services.json, the rest from CHART_SETTINGS. */
export interface ServiceSpec extends ChartSettings {
  name: string;
  port: number;
  /** Charts (by name) whose pods call this service: the manifest's callers. */
  peers: string[];
}

const common = {
  NODE_ENV: leaf(
    'Runtime mode of the service.',
    { type: 'string', enum: ['production', 'development', 'test'] },
    'production',
  ),
  LOG_LEVEL: leaf(
    'pino log level.',
    { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    'info',
  ),
  TRUSTED_PROXIES: str(
    'Whose X-Forwarded-For is believed: a hop count (2 = API Gateway, then the ALB), or addresses/CIDRs. Per-IP limits use the result.',
    '2',
    { minLength: 1 },
  ),
  CLOUD_MAP_CACHE_TTL_MS: int(
    'How long discovered peer instances are reused before Cloud Map is asked again.',
    5000,
    0,
  ),
  DATABASE_POOL_MAX: int('Connections per pod to PostgreSQL (mind RDS max_connections x replicas).', 10, 1),
  SHUTDOWN_TIMEOUT_MS: int(
    'How long in-flight requests may finish after SIGTERM; keep below terminationGracePeriodSeconds minus the preStop sleep.',
    10000,
    0,
  ),
};

const verifier = {
  AUTH_ISSUER: str(
    'Issuer of accepted access tokens (Cognito: https://cognito-idp.<region>.amazonaws.com/<pool id>).',
    'http://auth-service:8081',
  ),
  AUTH_JWKS_URL: str(
    'Where the signing keys of that issuer are fetched.',
    'http://auth-service:8081/.well-known/jwks.json',
  ),
  AUTH_CLIENT_IDS: str(
    'Comma-separated app/service client ids whose tokens are accepted (Cognito); empty: any client of the issuer.',
  ),
  AUTH_SCOPE_PREFIX: str('Resource-server prefix of custom scopes, such as micropay/ (Cognito); empty: none.'),
  AUTH_REVOCATIONS_URL: str(
    'auth-service\u2019s revocation list (ADR 0009), in Cognito mode too: a logout is refused here within the refresh interval; empty: only at token expiry.',
    'http://auth-service:8081/internal/revocations',
  ),
  AUTH_REVOCATIONS_REFRESH_MS: int('How often the revocation list is refreshed.', 2000, 100),
};

const database = { name: '', key: 'DATABASE_URL' };

/** `<PEER>_SERVICE_URL` of each peer the manifest says `service` calls, at its in-cluster DNS name. */
const peerUrls = (service: string) =>
  Object.fromEntries(
    serviceManifest(service).calls.map((peer) => [
      peerUrlVariable(peer),
      str(`${peer} (DNS fallback when Cloud Map is off).`, `http://${peer}:${serviceManifest(peer).port}`),
    ]),
  );

const CHART_SETTINGS: Record<string, ChartSettings> = {
  'auth-service': {
    config: {
      ...common,
      AUTH_PROVIDER: leaf(
        'Who holds the identities: auth-service itself (local: keys in its schema, works on any cluster) or an AWS Cognito user pool (cognito: needs COGNITO_REGION and the cognito Secret).',
        { type: 'string', enum: ['local', 'cognito'] },
        'local',
      ),
      AUTH_ISSUER: str(
        'Issuer of tokens in local mode; the other services\u2019 AUTH_ISSUER must be the same.',
        'http://auth-service:8081',
      ),
      AUTH_APP_CLIENT_ID: str('App client id stamped into user tokens in local mode; empty: the service default.'),
      ACCESS_TOKEN_TTL_SECONDS: int('Access token lifetime.', 900, 60),
      REFRESH_TOKEN_TTL_SECONDS: int('A login session\u2019s fixed lifetime.', 2592000, 300),
      CLIENT_TOKEN_TTL_SECONDS: int('Client-credentials token lifetime.', 3600, 60),
      SIGNING_KEY_ROTATION_SECONDS: int('Signing key rotation period in local mode; 0 turns rotation off.', 2592000, 0),
      LOGIN_MAX_FAILURES: int('Failed logins before a lockout.', 5, 1),
      LOGIN_LOCKOUT_SECONDS: int('First lockout length; doubles on each further lockout.', 30, 1),
      LOGIN_LOCKOUT_MAX_SECONDS: int('Longest lockout.', 900, 1),
      AUTH_RATE_LIMIT_MAX: int('Requests per client IP per window on /v1/auth/* (per replica).', 100, 1),
      AUTH_RATE_LIMIT_WINDOW_SECONDS: int('Rate limit window.', 60, 1),
      AUTH_CLEANUP_INTERVAL_SECONDS: int(
        'How often ended sessions, stale failed-login counts and expired revocations are deleted; 0 turns it off.',
        3600,
        0,
      ),
      COGNITO_REGION: str('Region of the Cognito user pool (required with AUTH_PROVIDER=cognito).', '', {
        pattern: '^([a-z]{2}(-[a-z]+)+-\\d)?$',
      }),
      COGNITO_AUTO_CONFIRM: bool('Confirm sign-ups at once (AdminConfirmSignUp) instead of by an emailed code.', false),
      COGNITO_ENDPOINT: str('Another Cognito API endpoint; empty: AWS\u2019s regional endpoint.'),
      COGNITO_ISSUER: str('Token issuer; empty: derived from region and pool id.'),
    },
    secretEnv: {
      DATABASE_URL: { ...database, name: 'auth-service-database' },
      COGNITO_USER_POOL_ID: { name: 'auth-service-cognito', key: 'user_pool_id', optional: true },
      COGNITO_CLIENT_ID: { name: 'auth-service-cognito', key: 'client_id', optional: true },
      COGNITO_CLIENT_SECRET: { name: 'auth-service-cognito', key: 'client_secret', optional: true },
      OAUTH_CLIENTS: { name: 'auth-service-oauth-clients', key: 'clients.json', optional: true },
    },
    configRules: {
      if: { properties: { AUTH_PROVIDER: { const: 'cognito' } }, required: ['AUTH_PROVIDER'] },
      then: { properties: { COGNITO_REGION: { minLength: 1 } }, required: ['COGNITO_REGION'] },
    },
  },
  'transaction-service': {
    config: {
      ...common,
      ...verifier,
      OAUTH_TOKEN_URL: str(
        'Token endpoint for this service\u2019s client-credentials token (it pushes account.balance_changed).',
        'http://auth-service:8081/oauth2/token',
      ),
      ...peerUrls('transaction-service'),
      EVENT_SUBSCRIBERS: str(
        'Comma-separated services that get events by HTTP push (without SNS).',
        eventSubscribersOf('transaction-service').join(','),
      ),
      PEER_TIMEOUT_MS: int('Timeout of one call to a peer.', 3000, 100),
      LEDGER_EXPIRY_SWEEP_MS: int('How often expired holds are voided.', 1000, 10),
    },
    secretEnv: {
      DATABASE_URL: { ...database, name: 'transaction-service-database' },
      // Only for HTTP push; with aws.snsTopicArn set the relay publishes to SNS and needs no token.
      OAUTH_CLIENT_ID: { name: 'transaction-service-client', key: 'client_id', optional: true },
      OAUTH_CLIENT_SECRET: { name: 'transaction-service-client', key: 'client_secret', optional: true },
    },
  },
  'payment-service': {
    config: {
      ...common,
      ...verifier,
      OAUTH_TOKEN_URL: str(
        'Token endpoint for this service\u2019s client-credentials token.',
        'http://auth-service:8081/oauth2/token',
      ),
      ...peerUrls('payment-service'),
      EVENT_SUBSCRIBERS: str(
        'Comma-separated services that get events by HTTP push (without SNS).',
        eventSubscribersOf('payment-service').join(','),
      ),
      PEER_TIMEOUT_MS: int('Timeout of one call to a peer.', 3000, 100),
      SANDBOX_URL: str('The payment provider\u2019s API (the sandbox PSP, for staging).', 'http://sandbox:8085'),
      CARD_AUTHORIZATION_TTL_SECONDS: int(
        'How long a manual-capture authorisation waits before it is released.',
        604800,
        1,
      ),
      SETTLEMENT_INTERVAL_MS: int(
        'How often due ledger or provider work is looked for (each payment backs off on its own).',
        1000,
        50,
      ),
      EXPIRY_INTERVAL_MS: int('How often waiting Pix, boletos and authorisations are checked for expiry.', 2000, 50),
      RECONCILIATION_INTERVAL_MS: int('How often payments and refunds are compared with the ledger.', 60000, 100),
    },
    secretEnv: {
      DATABASE_URL: { ...database, name: 'payment-service-database' },
      OAUTH_CLIENT_ID: { name: 'payment-service-client', key: 'client_id' },
      OAUTH_CLIENT_SECRET: { name: 'payment-service-client', key: 'client_secret' },
      CARD_FINGERPRINT_SECRET: { name: 'payment-service-card-fingerprint', key: 'secret' },
      SANDBOX_API_KEY: { name: 'payment-service-provider', key: 'api_key' },
      SANDBOX_WEBHOOK_SECRET: { name: 'payment-service-provider', key: 'webhook_secret' },
    },
  },
  'notification-service': {
    config: {
      ...common,
      ...verifier,
      OAUTH_TOKEN_URL: str(
        'Token endpoint for this service\u2019s client-credentials token (users:read, to look up receipt addresses).',
        'http://auth-service:8081/oauth2/token',
      ),
      ...peerUrls('notification-service'),
      PEER_TIMEOUT_MS: int('Timeout of one call to a peer.', 3000, 100),
      EMAIL_FROM: str(
        'Sender of every email: an SES-verified identity, such as MicroPay <receipts@example.com>; empty: the service default (not verified anywhere).',
      ),
      EMAIL_TRANSPORT: leaf(
        'ses: SES v2 SendEmail with the pod\u2019s IAM role; file: .eml files under the pod\u2019s /tmp (a cluster without SES).',
        { type: 'string', enum: ['ses', 'file'] },
        'ses',
      ),
      AWS_ENDPOINT_URL_SESV2: str(
        'Another SES v2 API endpoint (an emulator); empty: AWS\u2019s regional endpoint.',
        '',
        {
          pattern: '^(https?://.+)?$',
        },
      ),
      SES_CONFIGURATION_SET: str(
        'SES configuration set whose event destination sends bounces and complaints to the feedback topic.',
      ),
      SES_FEEDBACK_SQS_QUEUE_URL: str(
        'SQS queue subscribed to the SES feedback topic: bounced and complaining addresses are suppressed.',
        '',
        { pattern: '^(https://.+)?$' },
      ),
      PUSH_PLATFORM_APPLICATION_ARN_APNS: str(
        'SNS platform application for iOS (APNS or APNS_SANDBOX); empty: APNs devices are stored but not pushed to.',
        '',
        { pattern: '^(arn:aws[a-zA-Z-]*:sns:.+:app/APNS(_SANDBOX)?/.+)?$' },
      ),
      PUSH_PLATFORM_APPLICATION_ARN_FCM: str(
        'SNS platform application for Android (GCM, i.e. FCM); empty: FCM devices are stored but not pushed to.',
        '',
        { pattern: '^(arn:aws[a-zA-Z-]*:sns:.+:app/GCM/.+)?$' },
      ),
    },
    secretEnv: {
      DATABASE_URL: { ...database, name: 'notification-service-database' },
      // Email receipts need the address from auth-service: a client with users:read.
      OAUTH_CLIENT_ID: { name: 'notification-service-client', key: 'client_id' },
      OAUTH_CLIENT_SECRET: { name: 'notification-service-client', key: 'client_secret' },
    },
  },
};

export const SERVICES: ServiceSpec[] = MANIFEST_SERVICES.map(({ name, port }) => {
  const settings = CHART_SETTINGS[name];
  if (!settings) throw new Error(`values-model.ts: no chart settings for ${name} (it is in the manifest)`);
  return { name, port, peers: callersOf(name), ...settings };
});

export function serviceValues(spec: ServiceSpec): Group {
  return group(`Values of the ${spec.name} chart.`, {
    enabled: bool('Read by the umbrella chart micropay only: install this service.', true),
    global: anyObject('Values shared with every chart of an umbrella release (set by Helm).'),
    'micropay-lib': anyObject('Values of the library chart: it has none, Helm adds the key for every dependency.'),
    nameOverride: str('Replaces the chart name in labels.'),
    fullnameOverride: str(
      'Replaces the name of every object (default: the chart name, so peers reach it as http://<name>:<port>).',
    ),
    image: group('The service image (one image per service, built from its Dockerfile).', {
      repository: str(
        'Image repository, such as <account>.dkr.ecr.<region>.amazonaws.com/' + spec.name + '.',
        spec.name,
        { minLength: 1 },
      ),
      tag: str('Image tag; empty: the chart appVersion.'),
      digest: str('Pin by digest (sha256:...); wins over tag.', '', { pattern: '^(sha256:[a-f0-9]{64})?$' }),
      pullPolicy: leaf(
        'When the kubelet pulls the image.',
        { type: 'string', enum: ['IfNotPresent', 'Always', 'Never'] },
        'IfNotPresent',
      ),
    }),
    imagePullSecrets: list('Secrets for a private registry (ECR needs none on EKS nodes).', {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string' } },
    }),
    replicaCount: int('Pods when autoscaling is off. Above 1 a PodDisruptionBudget is rendered.', 2, 0),
    revisionHistoryLimit: int('Old ReplicaSets kept for rollback.', 5, 0),
    service: group('The Kubernetes Service in front of the pods.', {
      type: leaf('Service type.', { type: 'string', enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] }, 'ClusterIP'),
      port: leaf(
        'Port of the Service and of the container (PORT).',
        { type: 'integer', minimum: 1, maximum: 65535 },
        spec.port,
      ),
      annotations: stringMap('Annotations on the Service.'),
    }),
    serviceAccount: group('The pod identity.', {
      create: bool('Create the ServiceAccount.', true),
      name: str('Its name; empty: the fullname (or "default" when create is false).'),
      roleArn: str('IAM role for IRSA (eks.amazonaws.com/role-arn), for SNS, SQS, Cloud Map, Cognito.', '', {
        pattern: '^(arn:aws[a-zA-Z-]*:iam::[0-9]{12}:role/.+)?$',
      }),
      annotations: stringMap('More annotations on the ServiceAccount.'),
      automountToken: bool(
        'Mount a Kubernetes API token; the services never call the API (IRSA uses its own projected token).',
        false,
      ),
    }),
    podAnnotations: stringMap('Annotations on every pod.'),
    podLabels: stringMap('Labels on every pod.'),
    podSecurityContext: group('Ids the pods run as (the distroless nonroot user).', {
      runAsUser: int('Numeric user id.', 65532, 1),
      runAsGroup: int('Numeric group id.', 65532, 1),
      fsGroup: int('Group owning mounted volumes.', 65532, 1),
    }),
    resources: resources(
      'Requests and limits of the service container (no CPU limit: no throttling of a latency-bound service).',
      { requests: { cpu: '100m', memory: '192Mi' }, limits: { memory: '384Mi' } },
      'service container',
      true,
    ),
    tmpSizeLimit: leaf('Size of the writable emptyDir at /tmp (the root filesystem is read-only).', QUANTITY, '64Mi'),
    probes: group(
      'Probe timings; the paths are fixed: /livez (process up) and /readyz (database reachable, not shutting down).',
      {
        startup: probe('startup (/livez) ', 2, 30),
        readiness: probe('readiness (/readyz)', 5, 2),
        liveness: probe('liveness (/livez)', 10, 3),
      },
    ),
    lifecycle: group('Shutdown.', {
      preStopSleepSeconds: int(
        'Seconds the pod keeps serving after it is taken out of endpoints, before SIGTERM.',
        10,
        0,
      ),
    }),
    terminationGracePeriodSeconds: int('preStop sleep + SHUTDOWN_TIMEOUT_MS + margin.', 30, 1),
    topologySpread: group('Spread pods across zones and nodes.', {
      enabled: bool('Render topologySpreadConstraints (zone and hostname).', true),
      maxSkew: int('Largest allowed difference of pod counts between zones.', 1, 1),
      whenUnsatisfiable: leaf(
        'Hard or soft spreading.',
        { type: 'string', enum: ['ScheduleAnyway', 'DoNotSchedule'] },
        'ScheduleAnyway',
      ),
    }),
    priorityClassName: str('PriorityClass of the pods.'),
    nodeSelector: stringMap('Node labels the pods require.'),
    tolerations: list('Tolerations of the pods.', { type: 'object' }),
    affinity: anyObject('Affinity of the pods.'),
    autoscaling: group('HorizontalPodAutoscaler (autoscaling/v2); when on, the Deployment has no replicas field.', {
      enabled: bool('Render the HPA.', false),
      minReplicas: int('Fewest pods; above 1 a PodDisruptionBudget is rendered.', 2, 1),
      maxReplicas: int('Most pods.', 10, 1),
      targetCPUUtilizationPercentage: int('Average CPU (of requests) to aim for.', 70, 1),
      targetMemoryUtilizationPercentage: int('Average memory (of requests) to aim for.', 80, 1),
      scaleDownStabilizationSeconds: int('Wait before scaling in.', 300, 0),
    }),
    podDisruptionBudget: group('PodDisruptionBudget, rendered only with more than one replica.', {
      enabled: bool('Render the PDB when there is more than one replica.', true),
      maxUnavailable: leaf(
        'Pods that may be evicted at once (number or percentage).',
        { type: ['integer', 'string'] },
        1,
      ),
    }),
    config: group(
      `Plain settings of ${spec.name} (its src/config.ts), passed through a ConfigMap; empty strings are left out. HOST, PORT, MIGRATE_ON_START and MICROPAY_DATA_DIR are set by the chart.`,
      spec.config,
      spec.configRules ? { rules: spec.configRules } : {},
    ),
    secretEnv: group(
      'Settings read from EXISTING Secrets (created outside Helm, e.g. by External Secrets): env name -> Secret name and key. No secret value is ever in values.',
      Object.fromEntries(
        Object.entries(spec.secretEnv).map(([env, ref]) => [
          env,
          leaf(`Where ${env} comes from.`, secretRef, ref, secretRefDocs(env)),
        ]),
      ),
      { additional: { ...secretRef, description: 'Another env var from a Secret.' }, required: ['DATABASE_URL'] },
    ),
    envFromSecrets: list('Existing Secrets whose every key becomes an env var.', {
      type: 'string',
      pattern: DNS_LABEL,
    }),
    extraEnv: list('More env entries (Kubernetes EnvVar objects).', {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', pattern: ENV_NAME } },
    }),
    aws: group('AWS adapters (docs/contract.md §2); empty values leave an adapter off.', {
      region: str('AWS_REGION of the SDK clients.'),
      snsTopicArn: str('EVENTS_SNS_TOPIC_ARN: where the outbox relay publishes events.', '', {
        pattern: '^(arn:aws[a-zA-Z-]*:sns:.+)?$',
      }),
      sqsQueueUrl: str('EVENTS_SQS_QUEUE_URL: this service\u2019s queue of events.', '', {
        pattern: '^(https://.+)?$',
      }),
      cloudMap: group('AWS Cloud Map service discovery (the pod registers POD_IP).', {
        namespace: str('CLOUD_MAP_NAMESPACE; empty: DNS discovery only.'),
        service: str('CLOUD_MAP_SERVICE; empty: the fullname.'),
      }),
    }),
    migration: group(
      'Schema migrations as a pre-install/pre-upgrade hook Job (node <svc>/dist/migrate.js); the pods then skip migrating at start.',
      {
        enabled: bool('Run migrations in the hook Job (off: each pod migrates at start).', true),
        hookWeight: int('Order among pre-install/pre-upgrade hooks.', -5, -100),
        backoffLimit: int('Retries of a failed migration.', 1, 0),
        activeDeadlineSeconds: int('Longest a migration may run.', 600, 1),
        serviceAccountName: str(
          'An EXISTING ServiceAccount for the Job (the chart\u2019s own does not exist yet when pre-install hooks run).',
          'default',
          { minLength: 1 },
        ),
        resources: resources(
          'Requests and limits of the migration container.',
          { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          'migration container',
          false,
        ),
      },
    ),
    serviceMonitor: group('Prometheus Operator ServiceMonitor scraping /metrics.', {
      enabled: bool('Render the ServiceMonitor (needs the monitoring.coreos.com CRDs).', false),
      namespace: str('Namespace of the ServiceMonitor; empty: the release namespace.'),
      labels: stringMap('Labels the Prometheus serviceMonitorSelector matches (e.g. release: kube-prometheus-stack).'),
      interval: str('Scrape interval.', '30s', { pattern: '^[0-9]+(ms|s|m)$' }),
      scrapeTimeout: str('Scrape timeout.', '10s', { pattern: '^[0-9]+(ms|s|m)$' }),
    }),
    networkPolicy: group('NetworkPolicy: who may connect to this service. Egress stays open.', {
      enabled: bool('Render the NetworkPolicy.', false),
      ingressNamespaces: list('Namespaces of the ingress controller.', { type: 'string', pattern: DNS_LABEL }, [
        'kube-system',
      ]),
      ingressCidrs: list('CIDRs allowed in, e.g. the VPC for an ALB in IP target mode.', { type: 'string' }),
      metricsNamespaces: list('Namespaces whose Prometheus scrapes /metrics.', { type: 'string', pattern: DNS_LABEL }, [
        'monitoring',
      ]),
      peers: list(
        'Services (chart names, same namespace) that call this one.',
        { type: 'string', pattern: DNS_LABEL },
        spec.peers,
      ),
    }),
    tests: group('helm test: a pod that GETs /readyz through the Service.', {
      image: str('A small image with wget, pinned by tag.', 'busybox:1.37.0', {
        pattern: '^[^:@]+(:[\\w][\\w.-]+|@sha256:[a-f0-9]{64})$',
      }),
    }),
  });
}

/** The Ingress paths: the manifest's public route table (the JWT check is API Gateway's and the services'). */
export const INGRESS_ROUTES: { path: string; service: string }[] = [...PUBLIC_ROUTES, ...SANDBOX.routes].map((r) => ({
  path: r.prefix,
  service: r.service,
}));

export function umbrellaValues(): Group {
  const subcharts = Object.fromEntries(
    SERVICES.map((s) => [
      s.name,
      group(
        `Values of the ${s.name} chart (see charts/${s.name}/README.md); checked by that chart's schema.`,
        { enabled: bool(`Install ${s.name}.`, true) },
        { additional: {} },
      ),
    ]),
  );
  return group('Values of the micropay umbrella chart.', {
    global: anyObject('Values shared with every subchart.'),
    'micropay-lib': anyObject('Values of the library chart: it has none, Helm adds the key for every dependency.'),
    ...subcharts,
    ingress: group('One Ingress (networking.k8s.io/v1) for the public API, behind API Gateway\u2019s VPC link.', {
      enabled: bool('Render the Ingress.', true),
      className: str('IngressClass; alb is the AWS Load Balancer Controller.', 'alb'),
      host: str('Host to match; empty: any host.'),
      annotations: stringMap(
        'Annotations (defaults: an internal ALB, IP targets, health check on /readyz).',
        {
          'alb.ingress.kubernetes.io/scheme': 'internal',
          'alb.ingress.kubernetes.io/target-type': 'ip',
          'alb.ingress.kubernetes.io/healthcheck-path': '/readyz',
          'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80}]',
        },
        {
          keys: {
            'alb.ingress.kubernetes.io/scheme':
              'internal: the ALB gets private IPs only (API Gateway reaches it through the VPC link); internet-facing: a public ALB.',
            'alb.ingress.kubernetes.io/target-type':
              'ip: the ALB sends traffic straight to pod IPs (needs the VPC CNI); instance: through a NodePort on every node.',
            'alb.ingress.kubernetes.io/healthcheck-path':
              'Path the ALB health-checks each target on; /readyz fails while a pod is draining or has lost its database.',
            'alb.ingress.kubernetes.io/listen-ports':
              'JSON list of the ALB listeners; add {"HTTPS":443} together with certificate-arn for TLS on the ALB.',
          },
        },
      ),
      tls: list('TLS entries (secretName and hosts).', {
        type: 'object',
        additionalProperties: false,
        properties: { secretName: { type: 'string' }, hosts: { type: 'array', items: { type: 'string' } } },
      }),
      routes: list(
        'Path prefixes and the service (chart name) each goes to; routes of disabled services are left out.',
        {
          type: 'object',
          additionalProperties: false,
          required: ['path', 'service'],
          properties: {
            path: { type: 'string', pattern: '^/' },
            service: { type: 'string', enum: [...SERVICES.map((s) => s.name), 'sandbox'] },
          },
        },
        INGRESS_ROUTES,
        {
          items: {
            keys: {
              path: 'Path prefix (pathType Prefix: also matches everything below it).',
              service: 'Chart that serves it, by name; its fullnameOverride, if set, names the backend Service.',
            },
          },
        },
      ),
    }),
    sandbox: group('The sandbox payment provider (local/src/sandbox), for staging clusters; never in production.', {
      enabled: bool('Deploy the sandbox and route /v1/sandbox to it.', false),
      image: group('Its image: the root Dockerfile built with --build-arg SERVICE=local --build-arg PORT=8085.', {
        repository: str('Image repository.', 'sandbox', { minLength: 1 }),
        tag: str('Image tag.', 'latest', { minLength: 1 }),
      }),
      publicUrl: str('The origin payers reach its hosted pages through (API Gateway\u2019s URL).', 'http://localhost'),
      webhookUrl: str('Where it sends settlements.', 'http://payment-service:8083/v1/provider-webhooks/sandbox'),
      resources: group('Container resources.', {
        requests: group('What the scheduler reserves.', {
          cpu: str('CPU request.', '50m'),
          memory: str('Memory request.', '96Mi'),
        }),
        limits: group('Hard limits.', { memory: str('Memory limit.', '192Mi') }),
      }),
    }),
    dashboards: group('Grafana dashboards (dashboards/*.json) as ConfigMaps for the Grafana sidecar.', {
      enabled: bool('Render one ConfigMap per dashboard file.', true),
      namespace: str('Namespace of the ConfigMaps; empty: the release namespace.'),
      label: str('Label key the Grafana sidecar watches.', 'grafana_dashboard', { minLength: 1 }),
      labelValue: str('Its value.', '1'),
      folder: str('Grafana folder (grafana_folder annotation); empty: none.', 'MicroPay'),
    }),
  });
}
