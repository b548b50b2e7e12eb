// `npm run deploy:check`: the deployment artefacts (charts, dashboards, images, eksctl and AWS
// templates) checked with real tools. Separate from `npm test` because it fetches helm/kubectl.
module.exports = {
  spec: ['charts/test/**/*.test.ts', 'eksctl/test/**/*.test.ts'],
  extension: ['ts'],
  timeout: 120000,
  reporter: 'spec',
};
