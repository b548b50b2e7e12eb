import { expect } from 'chai';
import { ConfigError, loadConfig } from '@micropay/platform';
import { configSchema } from '../../src/config';

describe('auth-service config', () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(configSchema, env);
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      return (error as ConfigError).problems.map((p) => p.split(':')[0]);
    }
    return expect.fail('expected a ConfigError');
  };

  it('needs no Cognito keys with the local provider', () => {
    expect(loadConfig(configSchema, {}).cognito).to.equal(undefined);
  });

  it('lists the missing Cognito keys together with every other bad key, in one run', () => {
    expect(problemsOf({ AUTH_PROVIDER: 'cognito', PORT: 'abc', LOGIN_MAX_FAILURES: '0' })).to.have.members([
      'PORT',
      'LOGIN_MAX_FAILURES',
      'COGNITO_REGION',
      'COGNITO_USER_POOL_ID',
      'COGNITO_CLIENT_ID',
    ]);
    expect(
      problemsOf({
        AUTH_PROVIDER: 'cognito',
        COGNITO_REGION: 'eu-west-1',
        COGNITO_CLIENT_ID: 'abc',
        COGNITO_USER_POOL_ID: 'nope',
      }),
    ).to.deep.equal(['COGNITO_USER_POOL_ID']);
  });

  it('derives the Cognito issuer from region and pool', () => {
    const config = loadConfig(configSchema, {
      AUTH_PROVIDER: 'cognito',
      COGNITO_REGION: 'eu-west-1',
      COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
      COGNITO_CLIENT_ID: 'abc',
    });
    expect(config.cognito?.issuer).to.equal('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123');
  });
});
