// One mocha run covers every package, so nyc reports one coverage summary for the repo.
// NODE_OPTIONS (see package.json "test") loads tsx and the @micropay/source export condition.
// The packages come from the manifest, so a new service's tests run without editing this file.
const { services } = require('./platform/src/manifest/services.json');

module.exports = {
  spec: ['platform', ...services.map((s) => s.name), 'local', 'e2e'].map((pkg) => `${pkg}/test/**/*.test.ts`),
  extension: ['ts'],
  require: ['platform/src/testing/mocha-root-hooks.ts'],
  timeout: 20000,
  reporter: 'spec',
};
