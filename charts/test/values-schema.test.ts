import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { SERVICE_CHARTS, UMBRELLA, buildDependencies, helm, lintArgs, templateArgs } from './support/helm';

/** values.schema.json is what stops a typo in a values file before anything reaches a cluster. */
describe('values.schema.json refuses bad values', () => {
  let tmp: string;

  before(async function () {
    this.timeout(120_000);
    await buildDependencies();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'micropay-values-'));
  });

  after(() => rm(tmp, { recursive: true, force: true }));

  let n = 0;
  async function valuesFile(values: unknown): Promise<string> {
    const file = path.join(tmp, `values-${++n}.yaml`);
    await writeFile(file, stringify(values));
    return file;
  }

  /** Both helm template and helm lint --strict must fail, naming the offending key. */
  async function expectRefused(chart: string, values: unknown, mention: RegExp) {
    const file = await valuesFile(values);
    const template = await helm(templateArgs(chart, { valuesFiles: [file] }));
    expect(template.code, 'helm template exit code').to.not.equal(0);
    expect(template.stderr).to.match(mention);
    const lint = await helm(lintArgs(chart, [file]));
    expect(lint.code, 'helm lint exit code').to.not.equal(0);
    expect(lint.stdout + lint.stderr).to.match(mention);
  }

  for (const chart of SERVICE_CHARTS) {
    describe(chart, () => {
      it('accepts its own defaults', async () => {
        const result = await helm(templateArgs(chart));
        expect(result.code, result.stderr).to.equal(0);
      });

      it('refuses an unknown top-level key (replcas)', async () => {
        await expectRefused(chart, { replcas: 3 }, /replcas/);
      });

      it('refuses a wrong type (replicaCount: "two")', async () => {
        await expectRefused(chart, { replicaCount: 'two' }, /replicaCount/);
      });

      it('refuses an unknown nested key (autoscaling.enabeld)', async () => {
        await expectRefused(chart, { autoscaling: { enabeld: true } }, /enabeld/);
      });

      it('refuses an environment key the service does not read (config.LOG_LEVL)', async () => {
        await expectRefused(chart, { config: { LOG_LEVL: 'debug' } }, /LOG_LEVL/);
      });

      it('refuses a secret reference without its key, and a missing DATABASE_URL reference', async () => {
        await expectRefused(chart, { secretEnv: { EXTRA_URL: { name: 'extra' } } }, /EXTRA_URL.*key/);
        await expectRefused(chart, { secretEnv: { DATABASE_URL: null } }, /DATABASE_URL/);
      });

      it('refuses a malformed IRSA role ARN', async () => {
        await expectRefused(chart, { serviceAccount: { roleArn: 'micropay-role' } }, /roleArn/);
      });
    });
  }

  it('auth-service refuses AUTH_PROVIDER=cognito without COGNITO_REGION, and a malformed region', async () => {
    await expectRefused('auth-service', { config: { AUTH_PROVIDER: 'cognito' } }, /COGNITO_REGION/);
    await expectRefused(
      'auth-service',
      { config: { AUTH_PROVIDER: 'cognito', COGNITO_REGION: 'Ireland' } },
      /COGNITO_REGION/,
    );
  });

  describe(UMBRELLA, () => {
    it('refuses an unknown top-level key', async () => {
      await expectRefused(UMBRELLA, { ingres: { enabled: false } }, /ingres/);
    });

    it("refuses a bad key inside a service's values, checked by that service's schema", async () => {
      await expectRefused(UMBRELLA, { 'payment-service': { replcas: 3 } }, /replcas/);
    });

    it('refuses a route to a service that does not exist', async () => {
      await expectRefused(UMBRELLA, { ingress: { routes: [{ path: '/v1/x', service: 'x-service' }] } }, /service/);
    });

    it('refuses a wrong type in the dashboards block', async () => {
      await expectRefused(UMBRELLA, { dashboards: { enabled: 1 } }, /enabled/);
    });
  });
});
