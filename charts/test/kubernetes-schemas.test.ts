import { expect } from 'chai';
import { APP_CHARTS, buildDependencies, ciValues, render, scenarios } from './support/helm';
import { chartChecker, modelProblems, validateObjects, type KubeObject } from './support/kube-schema';

describe('rendered charts against the Kubernetes 1.33 API schemas', () => {
  let total = 0;

  before(async function () {
    this.timeout(120_000);
    await buildDependencies();
    chartChecker();
  });

  after(() => {
    process.stdout.write(`      ${total} rendered objects validated\n`);
  });

  for (const chart of APP_CHARTS) {
    for (const scenario of scenarios(chart)) {
      it(`every object of ${chart} with ci/${scenario} is valid, with no unknown field`, async () => {
        const objects = await render(chart, { valuesFiles: [ciValues(chart, scenario)] });
        expect(objects.length).to.be.greaterThan(5);
        expect(validateObjects(objects, chartChecker())).to.deep.equal([]);
        total += objects.length;
      });
    }
  }

  describe('the validation itself', () => {
    const deployment = (): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'probe', labels: { app: 'probe' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'probe' } },
        template: {
          metadata: { labels: { app: 'probe' } },
          spec: { containers: [{ name: 'probe', image: 'probe:1', ports: [{ containerPort: 8080 }] }] },
        },
      },
    });

    it('accepts a well-formed Deployment', () => {
      expect(validateObjects([deployment()], chartChecker())).to.deep.equal([]);
    });

    it('rejects a misspelt field (replcas) that the models alone let through', () => {
      const broken = deployment();
      (broken.spec as Record<string, unknown>).replcas = 3;
      expect(modelProblems(broken), 'kubernetes-models alone is not strict').to.deep.equal([]);
      expect(validateObjects([broken], chartChecker())).to.deep.equal([
        'Deployment/probe /spec/replcas: unknown field (not in IDeploymentSpec)',
      ]);
    });

    it('rejects an unknown field deep in the pod template', () => {
      const broken = deployment() as any;
      broken.spec.template.spec.containers[0].securityContext = { readOnlyRootFilesystm: true };
      expect(validateObjects([broken], chartChecker()).join('\n')).to.contain(
        '/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystm: unknown field',
      );
    });

    it('rejects a value of the wrong type', () => {
      const broken = deployment() as any;
      broken.spec.replicas = 'two';
      const problems = validateObjects([broken], chartChecker());
      expect(problems).to.include('Deployment/probe /spec/replicas: must be integer');
      expect(problems.join('\n')).to.contain('/spec/replicas: "two" is a string, the API expects number');
    });

    it('rejects a list where the API has an object', () => {
      const broken = deployment() as any;
      broken.spec.selector = [{ app: 'probe' }];
      expect(validateObjects([broken], chartChecker()).join('\n')).to.contain('/spec/selector: is a list');
    });

    it('rejects a missing required field', () => {
      const broken = deployment() as any;
      delete broken.spec.template.spec.containers[0].name;
      const problems = validateObjects([broken], chartChecker());
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^Deployment\/probe \/spec\/template\/spec\/containers\/0.*name/);
    });

    it('rejects a kind the charts do not render, and an apiVersion the API does not serve', () => {
      const problems = validateObjects(
        [
          { apiVersion: 'autoscaling/v2beta1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'old' } },
          { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'old' } },
        ],
        chartChecker(),
      );
      expect(problems).to.have.length.greaterThan(1);
    });

    it('rejects an unknown field in a ServiceMonitor (prometheus-operator CRD)', () => {
      const monitor: KubeObject = {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: 'm' },
        spec: { selector: { matchLabels: { a: 'b' } }, endpoints: [{ port: 'http', intervall: '30s' }] },
      };
      expect(validateObjects([monitor], chartChecker())).to.deep.equal([
        'ServiceMonitor/m /spec/endpoints/0/intervall: unknown field',
      ]);
    });
  });
});
