import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger, runWithContext, type LogSecrets } from '../../../src';

const CARD_SECRETS: LogSecrets = { keys: ['card_number', 'cvv', 'cvc'], within: { card: ['number', 'cvc'] } };

function capture(secrets = CARD_SECRETS) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test-service', level: 'info', destination, secrets }) };
}

describe('createLogger', () => {
  it('writes JSON lines with the service name, level label and message', () => {
    const { lines, logger } = capture();
    logger.info({ amount: 10 }, 'hello');
    expect(lines[0]).to.include({ service: 'test-service', level: 'info', message: 'hello', amount: 10 });
  });

  it('adds the request id of the current request context', () => {
    const { lines, logger } = capture();
    runWithContext({ requestId: 'req_abc' }, () => logger.info('inside'));
    logger.info('outside');
    expect(lines[0]).to.include({ request_id: 'req_abc' });
    expect(lines[1]).not.to.have.property('request_id');
  });

  it('redacts credentials, tokens and the card data a service registered, wherever they appear', () => {
    const { lines, logger } = capture();
    logger.info({
      req: { headers: { authorization: 'Bearer secret-token', cookie: 'sid=1', accept: '*/*' } },
      body: { email: 'a@b.c', password: 'hunter22', card: { number: '4242424242424242', cvc: '123', brand: 'visa' } },
      refresh_token: 'rt',
      result: { access_token: 'at', id_token: 'it' },
    });
    const text = JSON.stringify(lines[0]);
    for (const secret of ['secret-token', 'sid=1', 'hunter22', '4242424242424242', '"123"', '"rt"', '"at"', '"it"']) {
      expect(text).not.to.contain(secret);
    }
    expect(text).to.contain('visa').and.contain('a@b.c').and.contain('[REDACTED]');
  });

  it('redacts secrets at any depth and in any letter case, without touching the logged object', () => {
    const { lines, logger } = capture();
    const logged = {
      a: { b: { c: { d: { password: 'deep-pass', card: { number: '5555555555554444', brand: 'mastercard' } } } } },
      headers: { Authorization: 'Bearer caps-token', Cookie: 'sid=caps', 'Set-Cookie': ['sid=set'] },
      payment: { card_number: '4000000000000002', cvv: '999' },
      list: [{ refresh_token: 'in-a-list' }],
    };
    const before = JSON.stringify(logged);
    logger.info(logged, 'shapes nobody planned for');
    const text = JSON.stringify(lines[0]);
    for (const secret of [
      'deep-pass',
      '5555555555554444',
      'caps-token',
      'sid=caps',
      'sid=set',
      '4000000000000002',
      '"999"',
      'in-a-list',
    ]) {
      expect(text, secret).not.to.contain(secret);
    }
    expect(text).to.contain('mastercard');
    expect(JSON.stringify(logged), 'the caller keeps its own object').to.equal(before);
  });

  it('knows no card vocabulary of its own: a card number is redacted only where a service asked for it', () => {
    const { lines, logger } = capture({ keys: [], within: {} });
    logger.info({ card: { number: '4242424242424242' }, password: 'hunter22' });
    const text = JSON.stringify(lines[0]);
    expect(text).to.contain('4242424242424242');
    expect(text).not.to.contain('hunter22');
  });

  it('still serializes errors', () => {
    const { lines, logger } = capture();
    logger.error({ err: new Error('boom') }, 'failed');
    expect(lines[0]).to.have.nested.property('err.message', 'boom');
    expect(lines[0]).to.have.nested.property('err.stack').that.contains('boom');
  });
});
