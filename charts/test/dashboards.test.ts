import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parser } from '@prometheus-io/lezer-promql';
import { Metrics } from '@micropay/platform';
import { startAuthTestApp } from '../../auth-service/test/support/auth-test-app';
import { startLedgerTestApp } from '../../transaction-service/test/support/ledger-test-app';
import { startNotificationTestApp } from '../../notification-service/test/support/notification-test-app';
import { startPaymentTestApp } from '../../payment-service/test/support/payment-test-app';

// The Grafana dashboards that ship with the umbrella chart may only chart metrics that exist.
// The names the services export are read from their own /metrics, each app started in-process
// on the embedded database exactly as its integration tests start it. Those test apps turn the
// prom-client default metrics off, so the names of a production `Metrics` registry (what
// openInfrastructure creates, defaults on) are added. Every PromQL expression is parsed with
// Prometheus' own grammar (lezer-promql) and each metric it selects is looked up.

const DASHBOARDS = path.resolve(__dirname, '../micropay/dashboards');

/**
 * Metrics that come from outside MicroPay, by exact name: kube-state-metrics (Deployments,
 * HPAs, restarts) and cAdvisor via the kubelet (container CPU and memory). Anything else a
 * dashboard selects must be exported by a service.
 */
const EXTERNAL_METRICS = new Set([
  // kube-state-metrics v2
  'kube_deployment_spec_replicas',
  'kube_deployment_status_replicas_available',
  'kube_horizontalpodautoscaler_spec_min_replicas',
  'kube_horizontalpodautoscaler_spec_max_replicas',
  'kube_horizontalpodautoscaler_status_desired_replicas',
  'kube_horizontalpodautoscaler_status_current_replicas',
  'kube_pod_container_status_restarts_total',
  // cAdvisor (kubelet /metrics/cadvisor)
  'container_cpu_usage_seconds_total',
  'container_memory_working_set_bytes',
]);

/** Metric names as Prometheus stores them, from the `# TYPE` lines of a text exposition. */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const match = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (!match) continue;
    const [, name, type] = match as unknown as [string, string, string];
    if (type === 'histogram') ['_bucket', '_sum', '_count'].forEach((suffix) => names.add(name + suffix));
    else if (type === 'summary') [name, `${name}_sum`, `${name}_count`].forEach((n) => names.add(n));
    else names.add(name);
  }
  return names;
}

/** Grafana replaces these before the query reaches Prometheus; do the same so PromQL parses. */
function substituteVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, '5m')
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_m, a: string, b: string) => `var_${a ?? b}`);
}

/**
 * Parses one PromQL expression: the metric names it selects, the label names each selector
 * matches on, or the syntax errors found.
 */
function selectedMetrics(expr: string): {
  metrics: string[];
  selectors: { metric: string; labels: string[] }[];
  errors: string[];
} {
  const query = substituteVariables(expr);
  const selectors: { metric: string; labels: string[] }[] = [];
  const errors: string[] = [];
  const text = (n: { from: number; to: number }) => query.slice(n.from, n.to);
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError)
        errors.push(`syntax error at ${node.from}: "${query.slice(Math.max(0, node.from - 20), node.to + 20)}"`);
      if (node.name === 'VectorSelector') {
        const identifier = node.node.getChild('Identifier');
        const matchers = node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [];
        const labels = matchers
          .map((m) => m.getChild('LabelName'))
          .filter((l) => l !== null)
          .map(text);
        if (identifier) selectors.push({ metric: text(identifier), labels });
        else errors.push(`selector without a metric name: ${text(node)}`);
      }
    },
  });
  return { metrics: selectors.map((s) => s.metric), selectors, errors };
}

/**
 * Labels every scraped series carries besides the metric's own: the registry's default label
 * (`service`) and what Prometheus adds from the ServiceMonitor target.
 */
const TARGET_LABELS = ['service', 'namespace', 'pod', 'container', 'endpoint', 'instance', 'job'];

/** Label names per exported metric name (histogram parts included), from prom-client registries. */
function labelsByName(
  metrics: { name: string; type: string; labelNames?: readonly string[] }[],
): Map<string, Set<string>> {
  const byName = new Map<string, Set<string>>();
  for (const m of metrics) {
    const own = [...(m.labelNames ?? []), ...TARGET_LABELS];
    const names =
      m.type === 'histogram'
        ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`]
        : m.type === 'summary'
          ? [m.name, `${m.name}_sum`, `${m.name}_count`]
          : [m.name];
    for (const name of names) {
      const labels = byName.get(name) ?? new Set<string>();
      [
        ...own,
        ...(name.endsWith('_bucket') ? ['le'] : []),
        ...(m.type === 'summary' && name === m.name ? ['quantile'] : []),
      ].forEach((l) => labels.add(l));
      byName.set(name, labels);
    }
  }
  return byName;
}

interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string }[];
  panels?: Panel[];
}
interface TemplateVariable {
  name: string;
  type: string;
  query?: string | { query?: string };
  datasource?: { uid?: string };
}
interface Dashboard {
  uid?: string;
  title?: string;
  panels?: Panel[];
  templating?: { list?: TemplateVariable[] };
}

const allPanels = (panels: Panel[] = []): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels)]);

/** Every query of a dashboard: panel targets and template-variable queries (label_values(...)). */
function dashboardQueries(dashboard: Dashboard): { where: string; expr: string }[] {
  const queries: { where: string; expr: string }[] = [];
  for (const panel of allPanels(dashboard.panels)) {
    (panel.targets ?? []).forEach((t, i) =>
      queries.push({ where: `panel "${panel.title}" target ${i}`, expr: t.expr ?? '' }),
    );
  }
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const text = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
    const labelValues = /^label_values\((.+),\s*\w+\)$/.exec(text.trim());
    queries.push({ where: `variable $${v.name}`, expr: labelValues ? labelValues[1]! : text });
  }
  return queries;
}

/** Everything wrong with a dashboard, as sentences; empty when it is fine. */
function dashboardProblems(
  dashboard: Dashboard,
  exported: Set<string>,
  labels: Map<string, Set<string>> = new Map(),
): string[] {
  const problems: string[] = [];
  const variables = dashboard.templating?.list ?? [];
  const datasourceVar = variables.find((v) => v.name === 'datasource');
  if (!datasourceVar || datasourceVar.type !== 'datasource' || datasourceVar.query !== 'prometheus') {
    problems.push('no "datasource" template variable of type datasource (prometheus)');
  }
  for (const v of variables.filter((v) => v.type === 'query')) {
    if (v.datasource?.uid !== '${datasource}')
      problems.push(`variable $${v.name} does not query the $datasource variable`);
  }
  const ids = new Set<number>();
  for (const panel of allPanels(dashboard.panels)) {
    if (panel.id === undefined || ids.has(panel.id))
      problems.push(`panel "${panel.title}" has a missing or repeated id`);
    else ids.add(panel.id);
    if (panel.type === 'row') continue;
    if (panel.datasource?.uid !== '${datasource}')
      problems.push(`panel "${panel.title}" does not use the $datasource variable`);
    if (!panel.targets?.length) problems.push(`panel "${panel.title}" has no query`);
  }
  for (const { where, expr } of dashboardQueries(dashboard)) {
    if (!expr.trim()) {
      problems.push(`${where}: empty query`);
      continue;
    }
    const { selectors, errors } = selectedMetrics(expr);
    errors.forEach((e) => problems.push(`${where}: ${e}`));
    for (const { metric, labels: matched } of selectors) {
      if (!exported.has(metric) && !EXTERNAL_METRICS.has(metric))
        problems.push(`${where}: metric ${metric} is not exported by any service nor allowed as external`);
      const known = labels.get(metric);
      for (const label of known ? matched : []) {
        if (!known!.has(label))
          problems.push(`${where}: metric ${metric} has no label ${label} (it has ${[...known!].sort().join(', ')})`);
      }
    }
  }
  return problems;
}

const readDashboards = () =>
  readdirSync(DASHBOARDS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(path.join(DASHBOARDS, file), 'utf8')) as Dashboard }));

describe('Grafana dashboards (charts/micropay/dashboards)', function () {
  this.timeout(120_000);
  const exported = new Set<string>();
  const perService = new Map<string, Set<string>>();
  let labels = new Map<string, Set<string>>();

  before(async () => {
    const platformRegistry = new Metrics('dashboards-test').registry;
    const platformDefaults = exportedNames(await platformRegistry.metrics());
    const registered: { name: string; type: string; labelNames?: readonly string[] }[] = [
      ...(platformRegistry.getMetricsAsArray() as never[]),
    ];
    const starters = {
      'auth-service': () => startAuthTestApp(),
      'transaction-service': () => startLedgerTestApp(),
      'payment-service': () => startPaymentTestApp(),
      // With its SES feedback queue configured, as in AWS, so the SQS consumer's metrics are registered
      // (the consumer is built but never started: nothing listens there).
      'notification-service': () =>
        startNotificationTestApp({
          env: { SES_FEEDBACK_SQS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/ses-feedback' },
        }),
    };
    for (const [service, start] of Object.entries(starters)) {
      const app = await start();
      try {
        const res = await fetch(`${app.url}/metrics`);
        const names = new Set([...exportedNames(await res.text()), ...platformDefaults]);
        perService.set(service, names);
        names.forEach((n) => exported.add(n));
        registered.push(...(app.deps.metrics.registry.getMetricsAsArray() as never[]));
      } finally {
        await app.close();
      }
    }
    labels = labelsByName(registered);
  });

  it('reads the exported names from every service (the check has something to check against)', () => {
    for (const [service, names] of perService) {
      expect(names, service).to.include.members([
        'http_request_duration_seconds_bucket',
        'circuit_breaker_state',
        'process_resident_memory_bytes',
      ]);
    }
    expect(perService.get('payment-service')).to.include('payments_total');
    expect(perService.get('transaction-service')).to.include('ledger_transfers_total');
    expect(perService.get('notification-service')).to.include('notification_deliveries_total');
  });

  it('ships the four dashboards, with distinct uids', () => {
    const dashboards = readDashboards();
    expect(dashboards.map((d) => d.file)).to.deep.equal([
      'ledger.json',
      'notifications.json',
      'payments.json',
      'platform-overview.json',
    ]);
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).to.equal(4);
  });

  for (const file of ['platform-overview.json', 'payments.json', 'ledger.json', 'notifications.json']) {
    it(`${file}: every query parses as PromQL and selects only exported metrics, by labels they have`, () => {
      const dashboard = readDashboards().find((d) => d.file === file)!.dashboard;
      expect(dashboardQueries(dashboard).length).to.be.greaterThan(5);
      expect(dashboardProblems(dashboard, exported, labels)).to.deep.equal([]);
    });
  }

  it('together chart every business metric, the breakers and the HPA', () => {
    const used = new Set(
      readDashboards().flatMap(({ dashboard }) =>
        dashboardQueries(dashboard).flatMap((q) => selectedMetrics(q.expr).metrics),
      ),
    );
    for (const metric of [
      'payments_total',
      'ledger_transfers_total',
      'ledger_transfer_amount_total',
      'ledger_transaction_retries_total',
      'ledger_pending_resolutions_total',
      'notification_deliveries_total',
      'events_failed_total',
      'events_consumed_total',
      'notifications_created_total',
      'outbox_events_published_total',
      'outbox_publish_failures_total',
      'circuit_breaker_state',
      'circuit_breaker_events_total',
      'http_request_duration_seconds_bucket',
      'kube_horizontalpodautoscaler_status_desired_replicas',
      'kube_deployment_status_replicas_available',
    ]) {
      expect(used, metric).to.include(metric);
    }
  });

  describe('the checker itself', () => {
    const good = () => readDashboards().find((d) => d.file === 'ledger.json')!.dashboard;
    const firstTarget = (d: Dashboard) => allPanels(d.panels).find((p) => p.targets?.length)!.targets![0]!;

    it('reports a misspelt metric name', () => {
      const bad = good();
      firstTarget(bad).expr =
        'sum by (outcome) (rate(ledger_transfer_total{namespace="$namespace"}[$__rate_interval]))';
      expect(dashboardProblems(bad, exported).join('\n')).to.match(/metric ledger_transfer_total is not exported/);
    });

    it('reports a histogram queried without its _bucket suffix, and a misspelt variable query', () => {
      const bad = good();
      firstTarget(bad).expr =
        'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds{namespace="$namespace"}[5m])))';
      const variable = bad.templating!.list!.find((v) => v.name === 'namespace')!;
      variable.query = { query: 'label_values(http_requests_total, namespace)' };
      const problems = dashboardProblems(bad, exported).join('\n');
      expect(problems).to.match(/metric http_request_duration_seconds is not exported/);
      expect(problems).to.match(/variable \$namespace: metric http_requests_total is not exported/);
    });

    it('reports PromQL that does not parse, and a panel bound to a fixed data source', () => {
      const bad = good();
      firstTarget(bad).expr = 'sum by (outcome (rate(ledger_transfers_total[5m]))';
      allPanels(bad.panels).find((p) => p.type !== 'row')!.datasource = {
        type: 'prometheus',
        uid: 'P1809F7CD0C75ACF3',
      };
      const problems = dashboardProblems(bad, exported).join('\n');
      expect(problems).to.match(/syntax error/);
      expect(problems).to.match(/does not use the \$datasource variable/);
    });

    it('reports a label the metric does not have, such as a misspelt one', () => {
      const bad = good();
      firstTarget(bad).expr = 'sum(rate(ledger_transfers_total{namespace="$namespace", outcomes="posted"}[5m]))';
      expect(dashboardProblems(bad, exported, labels).join('\n')).to.match(
        /metric ledger_transfers_total has no label outcomes \(it has [^)]*outcome/,
      );
      expect(labels.get('http_request_duration_seconds_bucket')).to.include('le').and.include('route');
    });

    it('does not let an unlisted external name through', () => {
      const bad = good();
      firstTarget(bad).expr = 'count(kube_pod_info{namespace="$namespace"})';
      expect(dashboardProblems(bad, exported).join('\n')).to.match(/kube_pod_info/);
      expect(dashboardProblems(good(), exported)).to.deep.equal([]);
    });
  });
});
