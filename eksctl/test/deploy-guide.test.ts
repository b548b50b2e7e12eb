import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '@micropay/platform';

// docs/deploy.md writes the Helm values for AWS in a heredoc; if the charts' values schemas
// change, the guide must change with them. The heredoc is rendered with sample values for its
// shell variables and validated against each chart's values.schema.json.

const ROOT = path.resolve(__dirname, '../..');
const SERVICES = SERVICE_NAMES;

const SAMPLE_OUTPUTS: Record<string, string> = {
  Issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
  JwksUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json',
  TokenUrl: 'https://micropay-123456789012.auth.eu-west-1.amazoncognito.com/oauth2/token',
  EventsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:micropay-events',
  NotificationQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/micropay-notification-service',
  EmailConfigurationSetName: 'micropay',
  EmailFeedbackQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/micropay-email-feedback',
};
const SAMPLE_VARIABLES: Record<string, string> = {
  REGISTRY: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  TAG: '0123456789ab',
  AWS_ACCOUNT_ID: '123456789012',
  AWS_REGION: 'eu-west-1',
  ISSUER: SAMPLE_OUTPUTS.Issuer!,
  WEB_CLIENT_ID: '1example23456789webclient',
  PAY_CLIENT_ID: '2example34567890payclient',
  SES_IDENTITY: 'mail.example.com',
};

/** The `cat > .tools/aws-values.yaml <<EOF … EOF` block, with `$(out stack Key)` and `$VAR` filled in. */
function renderedGuideValues(): unknown {
  const guide = readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');
  const heredoc = /^cat > \.tools\/aws-values\.yaml <<EOF\n([\s\S]*?)^EOF$/m.exec(guide)?.[1];
  if (!heredoc) throw new Error('docs/deploy.md has no aws-values.yaml heredoc');
  const text = heredoc
    .replace(/\$\(out micropay-foundation (\w+)\)/g, (whole, key: string) => SAMPLE_OUTPUTS[key] ?? whole)
    .replace(/\$(\w+)/g, (whole, name: string) => SAMPLE_VARIABLES[name] ?? whole);
  expect(text, 'every variable of the heredoc has a sample').to.not.match(/\$/);
  return parse(text);
}

describe('docs/deploy.md Helm values for AWS', function () {
  const schemaPath = (chart: string) => path.join(ROOT, 'charts', chart, 'values.schema.json');

  it('validate against the umbrella chart and every service chart values schema', () => {
    const values = renderedGuideValues() as Record<string, unknown>;
    for (const chart of ['micropay', ...SERVICES]) {
      const validate = new Ajv({ allErrors: true, strict: false }).compile(
        JSON.parse(readFileSync(schemaPath(chart), 'utf8')),
      );
      const subject = chart === 'micropay' ? values : values[chart];
      expect(validate(subject), `${chart}: ${JSON.stringify(validate.errors)}`).to.equal(true);
    }
  });

  it('the check notices a misspelt key (so it is not vacuous)', () => {
    const values = renderedGuideValues() as Record<string, Record<string, unknown>>;
    values['payment-service']!.serviceAcount = values['payment-service']!.serviceAccount;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(
      JSON.parse(readFileSync(schemaPath('payment-service'), 'utf8')),
    );
    expect(validate(values['payment-service'])).to.equal(false);
  });
});

describe('docs/deploy.md and eksctl/cluster.yaml agree', () => {
  it('each service runs under the IAM role cluster.yaml creates for micropay/<service>', () => {
    const values = renderedGuideValues() as Record<string, { serviceAccount?: { roleArn?: string } }>;
    const cluster = parse(readFileSync(path.join(ROOT, 'eksctl', 'cluster.yaml'), 'utf8')) as {
      iam: { serviceAccounts: { metadata: { name: string; namespace: string }; roleName?: string }[] };
    };
    for (const service of SERVICES) {
      const sa = cluster.iam.serviceAccounts.find((a) => a.metadata.name === service);
      expect(sa?.metadata.namespace, service).to.equal('micropay');
      expect(values[service]?.serviceAccount?.roleArn, service).to.equal(
        `arn:aws:iam::${SAMPLE_VARIABLES.AWS_ACCOUNT_ID}:role/${sa?.roleName}`,
      );
    }
  });
});
