import { expect } from 'chai';
import {
  APP_CHARTS,
  KUBE_VERSION,
  LIBRARY,
  SERVICE_CHARTS,
  buildDependencies,
  chartDir,
  ciValues,
  helm,
  lintArgs,
  scenarios,
} from './support/helm';

describe(`helm lint --strict --kube-version ${KUBE_VERSION}`, () => {
  before(async function () {
    this.timeout(120_000);
    await buildDependencies();
  });

  it(`passes for the library chart ${LIBRARY}`, async () => {
    const result = await helm(lintArgs(LIBRARY));
    expect(result.code, result.stderr + result.stdout).to.equal(0);
  });

  it('refuses a cluster older than the charts support (1.29)', async () => {
    const result = await helm([
      'template',
      'micropay',
      chartDir(SERVICE_CHARTS[0] as string),
      '--kube-version',
      '1.29.0',
    ]);
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.contain('kubeVersion');
  });

  for (const chart of APP_CHARTS) {
    it(`${chart} has the three ci scenarios`, () => {
      expect(scenarios(chart)).to.include.members([
        'default-values.yaml',
        'hpa-ingress-values.yaml',
        'full-values.yaml',
      ]);
    });

    for (const scenario of scenarios(chart)) {
      it(`passes for ${chart} with ci/${scenario}`, async () => {
        const result = await helm(lintArgs(chart, [ciValues(chart, scenario)]));
        expect(result.code, result.stderr + result.stdout).to.equal(0);
      });
    }
  }
});
