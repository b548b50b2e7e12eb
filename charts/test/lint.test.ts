import { expect } from 'chai';
import { APP_CHARTS, LIBRARY, buildDependencies, chartDir, ciValues, helm, scenarios } from './support/helm';

describe('helm lint --strict', () => {
  before(async function () {
    this.timeout(120_000);
    await buildDependencies();
  });

  it(`passes for the library chart ${LIBRARY}`, async () => {
    const result = await helm(['lint', '--strict', chartDir(LIBRARY)]);
    expect(result.code, result.stderr + result.stdout).to.equal(0);
  });

  for (const chart of APP_CHARTS) {
    it(`${chart} has the three ci scenarios`, () => {
      expect(scenarios(chart)).to.include.members(['default-values.yaml', 'hpa-ingress-values.yaml', 'full-values.yaml']);
    });

    for (const scenario of scenarios(chart)) {
      it(`passes for ${chart} with ci/${scenario}`, async () => {
        const result = await helm(['lint', '--strict', chartDir(chart), '--values', ciValues(chart, scenario)]);
        expect(result.code, result.stderr + result.stdout).to.equal(0);
      });
    }
  }
});
