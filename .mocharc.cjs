// One mocha run covers every package, so nyc reports one coverage summary for the repo.
// NODE_OPTIONS (see package.json "test") loads tsx and the @micropay/source export condition.
module.exports = {
  spec: [
    'platform/test/**/*.test.ts',
    'auth-service/test/**/*.test.ts',
    'transaction-service/test/**/*.test.ts',
    'payment-service/test/**/*.test.ts',
    'notification-service/test/**/*.test.ts',
    'local/test/**/*.test.ts',
    'e2e/test/**/*.test.ts',
  ],
  extension: ['ts'],
  require: ['platform/src/testing/mocha-root-hooks.ts'],
  timeout: 20000,
  reporter: 'spec',
};
