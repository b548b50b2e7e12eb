import { expect } from 'chai';
import sinon from 'sinon';
import { z } from 'zod';
import { baseConfig, ConfigError, env, loadConfig, loadConfigOrExit, serviceEnv } from '../../../src';

const schema = z.object({ ...serviceEnv('payment-service'), SECRET: z.string().min(16) });

describe('loadConfig', () => {
  it('applies defaults and coerces types', () => {
    const config = loadConfig(schema, { SECRET: 'x'.repeat(16) });
    expect(config.PORT).to.equal(8083);
    expect(config.MIGRATE_ON_START).to.equal(true);
    expect(config.LOG_LEVEL).to.equal('info');
    expect(config.DATABASE_URL).to.equal(undefined);
  });

  it('lists every bad key, not just the first', () => {
    try {
      loadConfig(schema, { PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', MIGRATE_ON_START: 'perhaps' });
      expect.fail('expected a ConfigError');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      const keys = (error as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(keys).to.have.members(['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'MIGRATE_ON_START', 'SECRET']);
      expect((error as ConfigError).message).to.contain('SECRET');
    }
  });

  it('treats empty variables as unset so defaults apply', () => {
    const config = loadConfig(schema, { SECRET: 'x'.repeat(16), PORT: '', DATABASE_URL: '' });
    expect(config.PORT).to.equal(8083);
    expect(config.DATABASE_URL).to.equal(undefined);
  });

  it('parses booleans and lists strictly', () => {
    const s = z.object({ A: env.bool(false), B: env.list() });
    expect(loadConfig(s, { A: 'yes', B: 'a, b,,c' })).to.deep.equal({ A: true, B: ['a', 'b', 'c'] });
    expect(() => loadConfig(s, { A: 'maybe', B: 'x' })).to.throw(ConfigError, 'A: must be true or false');
  });

  it('shapes the base config with a per-service data directory', () => {
    const parsed = loadConfig(schema, { SECRET: 'x'.repeat(16), MICROPAY_DATA_DIR: '/tmp/mp' });
    const base = baseConfig(parsed, 'payment-service');
    expect(base.database).to.include({ dataDir: '/tmp/mp/payment-service', schema: 'payments', migrateOnStart: true });
    expect(base.http).to.deep.equal({ host: '127.0.0.1', port: 8083, trustProxy: ['loopback'] });
    expect(z.object(serviceEnv('payment-service')).parse({ TRUSTED_PROXIES: '2' }).TRUSTED_PROXIES).to.equal(2);
    expect(
      z.object(serviceEnv('payment-service')).parse({ TRUSTED_PROXIES: 'loopback, 10.1.2.3' }).TRUSTED_PROXIES,
    ).to.deep.equal(['loopback', '10.1.2.3']);
  });
});

describe('loadConfigOrExit', () => {
  afterEach(() => sinon.restore());

  it('prints the problems and exits non-zero on bad config', () => {
    const exit = sinon.stub(process, 'exit');
    const write = sinon.stub(process.stderr, 'write');
    // With exit stubbed, control returns and the error is rethrown; a real exit never returns.
    expect(() => loadConfigOrExit(schema, { PORT: '-1' })).to.throw(ConfigError);
    write.restore();
    expect(exit.calledOnceWith(1)).to.equal(true);
    expect(String(write.firstCall.args[0])).to.contain('PORT').and.contain('SECRET');
  });
});
