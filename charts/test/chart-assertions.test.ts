import { expect } from 'chai';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PUBLIC_ROUTES, SANDBOX, SERVICES as MANIFEST_SERVICES } from '@micropay/platform';
import { INGRESS_ROUTES, SERVICES } from '../tools/values-model';
import { SERVICE_CHARTS, UMBRELLA, buildDependencies, chartDir, ciValues, render } from './support/helm';
import type { KubeObject } from './support/kube-schema';

type Obj = KubeObject & { spec?: any; data?: Record<string, string> };

const find = (objects: Obj[], kind: string, name?: string): Obj[] =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));

function one(objects: Obj[], kind: string, name?: string): Obj {
  const found = find(objects, kind, name);
  expect(found, `${kind}/${name ?? '*'}`).to.have.length(1);
  return found[0] as Obj;
}

const container = (deployment: Obj) => deployment.spec.template.spec.containers[0];

/** Whether a label selector (matchLabels) selects an object with these labels. */
const selects = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The port number a NetworkPolicy / Ingress named port resolves to: each service's own, from the manifest. */
const PORTS: Record<string, number> = Object.fromEntries(MANIFEST_SERVICES.map((s) => [s.name, s.port]));

/** Who calls whom: the values model's peers, which service-config.test.ts derives from the services' own config. */
const EXPECTED_PEERS: Record<string, string[]> = Object.fromEntries(SERVICES.map((spec) => [spec.name, spec.peers]));

const SECRET_LIKE = /SECRET|PASSWORD|DATABASE_URL|OAUTH_CLIENTS|COGNITO_(USER_POOL|CLIENT)_ID|TOKEN$/;

describe('chart assertions on rendered objects', () => {
  before(async function () {
    this.timeout(120_000);
    await buildDependencies();
  });

  for (const chart of SERVICE_CHARTS) {
    describe(chart, () => {
      let objects: Obj[];
      let deployment: Obj;

      before(async () => {
        objects = await render(chart);
        deployment = one(objects, 'Deployment', chart);
      });

      it('names the Deployment, Service, ServiceAccount and ConfigMap after the service', () => {
        for (const kind of ['Deployment', 'Service', 'ServiceAccount', 'ConfigMap']) one(objects, kind, chart);
        expect(deployment.spec.template.spec.serviceAccountName).to.equal(chart);
      });

      it('probes /livez for startup and liveness and /readyz for readiness on the http port', () => {
        const c = container(deployment);
        expect(c.startupProbe.httpGet).to.deep.equal({ path: '/livez', port: 'http' });
        expect(c.livenessProbe.httpGet).to.deep.equal({ path: '/livez', port: 'http' });
        expect(c.readinessProbe.httpGet).to.deep.equal({ path: '/readyz', port: 'http' });
        expect(c.ports).to.deep.equal([{ name: 'http', containerPort: PORTS[chart], protocol: 'TCP' }]);
      });

      it('sets requests and a memory limit, sleeps in preStop and gives shutdown time to finish', () => {
        const c = container(deployment);
        expect(c.resources.requests).to.include.keys('cpu', 'memory');
        expect(c.resources.limits).to.include.keys('memory');
        const sleep = c.lifecycle.preStop.sleep.seconds as number;
        expect(sleep).to.be.greaterThan(0);
        const config = one(objects, 'ConfigMap', chart).data ?? {};
        const shutdownSeconds = Number(config.SHUTDOWN_TIMEOUT_MS) / 1000;
        expect(deployment.spec.template.spec.terminationGracePeriodSeconds).to.be.greaterThan(sleep + shutdownSeconds);
      });

      it('runs non-root (65532) with a read-only root filesystem, no capabilities and RuntimeDefault seccomp', () => {
        const pod = deployment.spec.template.spec;
        expect(pod.securityContext).to.include({ runAsNonRoot: true, runAsUser: 65532 });
        expect(pod.securityContext.seccompProfile).to.deep.equal({ type: 'RuntimeDefault' });
        const sc = container(deployment).securityContext;
        expect(sc).to.include({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          runAsNonRoot: true,
          runAsUser: 65532,
        });
        expect(sc.capabilities).to.deep.equal({ drop: ['ALL'] });
        expect(sc.seccompProfile).to.deep.equal({ type: 'RuntimeDefault' });
        expect(container(deployment).volumeMounts).to.deep.include({ name: 'tmp', mountPath: '/tmp' });
        expect(pod.volumes.find((v: any) => v.name === 'tmp')).to.have.property('emptyDir');
        expect(pod.automountServiceAccountToken).to.equal(false);
      });

      it('spreads pods across zones and passes POD_IP from the downward API', () => {
        const keys = deployment.spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey);
        expect(keys).to.include('topology.kubernetes.io/zone');
        expect(container(deployment).env).to.deep.include({
          name: 'POD_IP',
          valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
        });
      });

      it('listens on 0.0.0.0 at the Service port, and the Service selects exactly the Deployment pods', () => {
        const config = one(objects, 'ConfigMap', chart).data ?? {};
        expect(config).to.include({ HOST: '0.0.0.0', PORT: String(PORTS[chart]) });
        const service = one(objects, 'Service', chart);
        expect(service.spec.ports).to.deep.equal([
          { name: 'http', port: PORTS[chart], targetPort: 'http', protocol: 'TCP' },
        ]);
        expect(selects(service.spec.selector, deployment.spec.template.metadata.labels)).to.equal(true);
        expect(deployment.spec.selector.matchLabels).to.deep.equal(service.spec.selector);
        const others = objects.filter((o) => o.kind === 'Job' || o.kind === 'Pod');
        for (const o of others) {
          const labels = o.kind === 'Job' ? o.spec.template.metadata.labels : o.metadata?.labels;
          expect(selects(service.spec.selector, labels), `${o.kind} must not be a Service endpoint`).to.equal(false);
        }
      });

      it('rolls the pods when the config changes (checksum annotation)', async () => {
        const before = deployment.spec.template.metadata.annotations['checksum/config'];
        expect(before).to.match(/^[a-f0-9]{64}$/);
        const changed = one(await render(chart, { set: ['config.LOG_LEVEL=debug'] }), 'Deployment', chart);
        expect(changed.spec.template.metadata.annotations['checksum/config']).to.not.equal(before);
      });

      it('sets replicas and no HPA by default; with the HPA on, the Deployment has no replicas', async () => {
        expect(deployment.spec.replicas).to.equal(2);
        expect(find(objects, 'HorizontalPodAutoscaler')).to.have.length(0);
        const scaled = await render(chart, { valuesFiles: [ciValues(chart, 'hpa-ingress-values.yaml')] });
        const d = one(scaled, 'Deployment', chart);
        expect(d.spec).to.not.have.property('replicas');
        const hpa = one(scaled, 'HorizontalPodAutoscaler', chart);
        expect(hpa.apiVersion).to.equal('autoscaling/v2');
        expect(hpa.spec.scaleTargetRef).to.deep.equal({ apiVersion: 'apps/v1', kind: 'Deployment', name: chart });
        expect(hpa.spec.metrics.map((m: any) => m.resource.name).sort()).to.deep.equal(['cpu', 'memory']);
      });

      it('renders a PodDisruptionBudget only with more than one replica', async () => {
        const pdb = one(objects, 'PodDisruptionBudget', chart);
        expect(selects(pdb.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).to.equal(true);
        expect(find(await render(chart, { set: ['replicaCount=1'] }), 'PodDisruptionBudget')).to.have.length(0);
        const hpaOne = await render(chart, { set: ['autoscaling.enabled=true', 'autoscaling.minReplicas=1'] });
        expect(find(hpaOne, 'PodDisruptionBudget')).to.have.length(0);
        const hpaThree = await render(chart, { set: ['autoscaling.enabled=true', 'autoscaling.minReplicas=3'] });
        expect(find(hpaThree, 'PodDisruptionBudget')).to.have.length(1);
      });

      it('annotates the ServiceAccount with the IRSA role', async () => {
        expect(one(objects, 'ServiceAccount', chart).metadata?.annotations ?? {}).to.not.have.property(
          'eks.amazonaws.com/role-arn',
        );
        const arn = `arn:aws:iam::123456789012:role/micropay-${chart}`;
        const sa = one(await render(chart, { set: [`serviceAccount.roleArn=${arn}`] }), 'ServiceAccount', chart);
        expect(sa.metadata?.annotations).to.include({ 'eks.amazonaws.com/role-arn': arn });
      });

      it('migrates in a pre-install/pre-upgrade hook Job running dist/migrate.js, and the pods then skip migrating', async () => {
        const job = one(objects, 'Job', `${chart}-migrate`);
        expect(job.metadata?.annotations).to.deep.equal({
          'helm.sh/hook': 'pre-install,pre-upgrade',
          'helm.sh/hook-weight': '-5',
          'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
        });
        const c = job.spec.template.spec.containers[0];
        // Relative to the image's working directory, /app/<service> (images.test.ts checks it).
        expect(c.args).to.deep.equal(['dist/migrate.js']);
        expect(c.image).to.equal(container(deployment).image);
        expect(c.env).to.deep.include({
          name: 'DATABASE_URL',
          valueFrom: { secretKeyRef: { name: `${chart}-database`, key: 'DATABASE_URL' } },
        });
        expect(c.securityContext).to.include({ readOnlyRootFilesystem: true, runAsNonRoot: true });
        expect(job.spec.template.spec.restartPolicy).to.equal('Never');
        expect(one(objects, 'ConfigMap', chart).data).to.include({ MIGRATE_ON_START: 'false' });

        const off = await render(chart, { set: ['migration.enabled=false'] });
        expect(find(off, 'Job')).to.have.length(0);
        expect(one(off, 'ConfigMap', chart).data).to.include({ MIGRATE_ON_START: 'true' });
      });

      it('references secrets only by Secret name and key, never by value', async () => {
        const full = await render(chart, { valuesFiles: [ciValues(chart, 'full-values.yaml')] });
        expect(find(full, 'Secret')).to.have.length(0);
        for (const o of full) {
          for (const key of Object.keys(o.data ?? {}))
            expect(key, `${o.kind}/${o.metadata?.name}`).to.not.match(SECRET_LIKE);
        }
        const containers = [...find(full, 'Deployment'), ...find(full, 'Job')].flatMap(
          (o) => o.spec.template.spec.containers,
        );
        const secretEnv = containers.flatMap((c: any) => c.env).filter((e: any) => SECRET_LIKE.test(e.name));
        expect(secretEnv).to.not.be.empty;
        for (const e of secretEnv) {
          expect(e, e.name).to.not.have.property('value');
          expect(e.valueFrom.secretKeyRef).to.include.keys('name', 'key');
        }
        expect(container(one(full, 'Deployment', chart)).envFrom).to.deep.include({
          secretRef: { name: `${chart}-extra` },
        });
      });

      it('admits only the ingress controller, monitoring and the real callers in its NetworkPolicy', async () => {
        expect(find(objects, 'NetworkPolicy')).to.have.length(0);
        const full = await render(chart, { valuesFiles: [ciValues(chart, 'full-values.yaml')] });
        const policy = one(full, 'NetworkPolicy', chart);
        expect(policy.spec.policyTypes).to.deep.equal(['Ingress']);
        expect(selects(policy.spec.podSelector.matchLabels, deployment.spec.template.metadata.labels)).to.equal(true);
        expect(policy.spec.ingress).to.have.length(1);
        const [rule] = policy.spec.ingress;
        expect(rule.ports).to.deep.equal([{ port: 'http', protocol: 'TCP' }]);
        const namespaces = rule.from
          .filter((f: any) => f.namespaceSelector)
          .map((f: any) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name']);
        expect(namespaces).to.have.members(['kube-system', 'monitoring']);
        expect(rule.from.filter((f: any) => f.ipBlock)).to.deep.equal([{ ipBlock: { cidr: '10.0.0.0/16' } }]);
        const peers = rule.from
          .filter((f: any) => f.podSelector && !f.podSelector.matchLabels['app.kubernetes.io/component'])
          .map((f: any) => f.podSelector.matchLabels['app.kubernetes.io/name']);
        expect(peers).to.have.members(EXPECTED_PEERS[chart] ?? []);
      });

      it('ships a helm test that GETs /readyz through the Service with an image pinned by tag', () => {
        const pod = one(objects, 'Pod', `${chart}-test-readyz`);
        expect(pod.metadata?.annotations).to.include({ 'helm.sh/hook': 'test' });
        const c = pod.spec.containers[0];
        expect(c.image).to.match(/^busybox:\d+\.\d+\.\d+$/);
        expect(c.command.join(' ')).to.contain(`http://${chart}:${PORTS[chart]}/readyz`);
        expect(c.securityContext).to.include({ readOnlyRootFilesystem: true, runAsNonRoot: true });
      });

      it('adds a ServiceMonitor on /metrics only when asked', async () => {
        expect(find(objects, 'ServiceMonitor')).to.have.length(0);
        const monitor = one(
          await render(chart, { valuesFiles: [ciValues(chart, 'full-values.yaml')] }),
          'ServiceMonitor',
          chart,
        );
        expect(monitor.spec.endpoints).to.deep.equal([
          { port: 'http', path: '/metrics', interval: '15s', scrapeTimeout: '10s' },
        ]);
        expect(monitor.metadata?.labels).to.include({ release: 'kube-prometheus-stack' });
      });
    });
  }

  describe(`the umbrella chart ${UMBRELLA}`, () => {
    let objects: Obj[];

    before(async () => {
      objects = await render(UMBRELLA);
    });

    it('installs the four services with their own names', () => {
      expect(find(objects, 'Deployment').map((d) => d.metadata?.name)).to.have.members(SERVICE_CHARTS);
      expect(find(objects, 'Job').map((d) => d.metadata?.name)).to.have.members(
        SERVICE_CHARTS.map((s) => `${s}-migrate`),
      );
    });

    it('routes every public path prefix to the right Service and its http port, on an internal ALB', () => {
      const ingress = one(objects, 'Ingress', UMBRELLA);
      expect(ingress.apiVersion).to.equal('networking.k8s.io/v1');
      expect(ingress.spec.ingressClassName).to.equal('alb');
      expect(ingress.metadata?.annotations).to.include({
        'alb.ingress.kubernetes.io/scheme': 'internal',
        'alb.ingress.kubernetes.io/target-type': 'ip',
      });
      const paths = ingress.spec.rules[0].http.paths as any[];
      // The manifest's public route table, the same one the local gateway and API Gateway use.
      const expected = Object.fromEntries(PUBLIC_ROUTES.map((r) => [r.prefix, r.service]));
      expect(expected).to.include({ '/v1/payments': 'payment-service', '/oauth2/token': 'auth-service' });
      expect(Object.fromEntries(paths.map((p) => [p.path, p.backend.service.name]))).to.deep.equal(expected);
      for (const p of paths) {
        expect(p.pathType).to.equal('Prefix');
        const service = one(objects, 'Service', p.backend.service.name);
        const port = service.spec.ports.find((sp: any) => sp.name === p.backend.service.port.name);
        expect(port, `${p.path} -> ${p.backend.service.name}:${p.backend.service.port.name}`).to.not.equal(undefined);
        expect(port.port).to.equal(PORTS[p.backend.service.name]);
      }
      // The sandbox's route is in the values too, left out while the sandbox is off (the default).
      expect(INGRESS_ROUTES).to.have.length(Object.keys(expected).length + SANDBOX.routes.length);
      expect(find(objects, 'Deployment').map((d) => d.metadata?.name)).to.not.include('sandbox');
    });

    it('deploys the sandbox provider for staging when sandbox.enabled, and routes /v1/sandbox to it', async () => {
      const full = await render(UMBRELLA, { valuesFiles: [ciValues(UMBRELLA, 'full-values.yaml')] });
      const deployment = one(full, 'Deployment', 'sandbox');
      const container = deployment.spec.template.spec.containers[0];
      expect(container.args).to.deep.equal(['dist/sandbox/main.js']);
      expect(container.securityContext).to.include({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      const secretKeys = container.env.filter((e: any) => e.valueFrom).map((e: any) => e.valueFrom.secretKeyRef);
      expect(secretKeys).to.deep.include.members([
        { name: 'payment-service-provider', key: 'api_key' },
        { name: 'payment-service-provider', key: 'webhook_secret' },
      ]);
      expect(one(full, 'Service', 'sandbox').spec.ports[0]).to.include({ port: 8085, name: 'http' });
      const paths = one(full, 'Ingress').spec.rules[0].http.paths as any[];
      expect(paths.find((p) => p.path === '/v1/sandbox')?.backend.service).to.deep.equal({
        name: 'sandbox',
        port: { name: 'http' },
      });
    });

    it('leaves a disabled service out, routes included', async () => {
      const without = await render(UMBRELLA, { set: ['payment-service.enabled=false'] });
      expect(find(without, 'Deployment').map((d) => d.metadata?.name)).to.not.include('payment-service');
      const paths = one(without, 'Ingress').spec.rules[0].http.paths.map((p: any) => p.path);
      expect(paths).to.not.include.members(['/v1/payments', '/v1/refunds', '/v1/provider-webhooks']);
      expect(paths).to.include('/v1/accounts');
    });

    it('NetworkPolicy peers name services that the release really runs', async () => {
      const full = await render(UMBRELLA, { valuesFiles: [ciValues(UMBRELLA, 'full-values.yaml')] });
      const podLabels = find(full, 'Deployment').map((d) => d.spec.template.metadata.labels as Record<string, string>);
      for (const policy of find(full, 'NetworkPolicy')) {
        for (const from of policy.spec.ingress[0].from.filter(
          (f: any) => f.podSelector && !f.podSelector.matchLabels['app.kubernetes.io/component'],
        )) {
          expect(
            podLabels.some((l) => selects(from.podSelector.matchLabels, l)),
            JSON.stringify(from),
          ).to.equal(true);
        }
      }
    });

    describe('Grafana dashboards', () => {
      let dir: string;
      let tmp: string;

      before(async () => {
        tmp = await mkdtemp(path.join(os.tmpdir(), 'micropay-umbrella-'));
        dir = path.join(tmp, UMBRELLA);
        await cp(chartDir(UMBRELLA), dir, { recursive: true });
        // The real dashboards (if any on this branch) plus one of ours, whose content we know.
        await mkdir(path.join(dir, 'dashboards'), { recursive: true });
        await writeFile(path.join(dir, 'dashboards', 'zz-check.json'), JSON.stringify({ title: 'check', panels: [] }));
      });

      after(() => rm(tmp, { recursive: true, force: true }));

      it('turns every dashboards/*.json into a ConfigMap labelled grafana_dashboard: "1"', async () => {
        const rendered = await render(UMBRELLA, { dir });
        const maps = find(rendered, 'ConfigMap').filter((c) => c.metadata?.labels?.grafana_dashboard === '1');
        expect(maps.map((m) => Object.keys(m.data ?? {})[0])).to.include('zz-check.json');
        const check = maps.find((m) => m.data?.['zz-check.json']) as Obj;
        expect(JSON.parse(check.data?.['zz-check.json'] ?? '')).to.deep.equal({ title: 'check', panels: [] });
        expect(check.metadata?.name).to.equal('micropay-dashboard-zz-check');
      });

      it('takes the label, its value and the namespace from values, and can be turned off', async () => {
        const custom = await render(UMBRELLA, {
          dir,
          set: ['dashboards.label=grafana_dash', 'dashboards.labelValue=yes', 'dashboards.namespace=monitoring'],
        });
        const map = find(custom, 'ConfigMap', 'micropay-dashboard-zz-check')[0] as Obj;
        expect(map.metadata?.labels).to.include({ grafana_dash: 'yes' });
        expect(map.metadata?.namespace).to.equal('monitoring');
        const off = await render(UMBRELLA, { dir, set: ['dashboards.enabled=false'] });
        expect(find(off, 'ConfigMap').filter((c) => c.metadata?.name?.includes('-dashboard-'))).to.have.length(0);
      });
    });
  });
});
