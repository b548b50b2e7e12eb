// `npm run deploy:check`: the deployment artefacts (charts, dashboards, images, eksctl and AWS
// templates) checked with real tools. Separate from `npm test` because it fetches helm/kubectl
// (charts/tools/fetch-tools.ts, run once by the root hook below and cached in .tools/).
module.exports = {
  spec: ['charts/test/**/*.test.ts', 'eksctl/test/**/*.test.ts'],
  extension: ['ts'],
  require: ['charts/tools/mocha-hooks.ts'],
  timeout: 120000,
  reporter: 'spec',
};
