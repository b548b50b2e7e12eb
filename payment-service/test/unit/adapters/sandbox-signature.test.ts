import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { signSandboxPayload, verifySandboxSignature } from '../../../src/adapters/sandbox-signature';

describe('Sandbox-Signature', () => {
  const secret = 's'.repeat(40);
  const body = Buffer.from('{"id":"evt_1"}');
  const now = 1_800_000_000_000;
  const t = now / 1000;

  it('is t=<unix>,v1=<hex HMAC-SHA256 of "t.body">, computed independently here', () => {
    const mac = createHmac('sha256', secret).update(`${t}.{"id":"evt_1"}`).digest('hex');
    expect(signSandboxPayload(secret, body, t)).to.equal(`t=${t},v1=${mac}`);
    expect(() => verifySandboxSignature(secret, body, `t=${t},v1=${mac}`, now)).not.to.throw();
  });

  it('accepts any one matching v1 among several (secret rotation)', () => {
    const good = signSandboxPayload(secret, body, t).split(',')[1];
    expect(() => verifySandboxSignature(secret, body, `t=${t},v1=${'0'.repeat(64)},${good}`, now)).not.to.throw();
  });

  it('refuses a missing, malformed, mismatched, altered, stale or future signature', () => {
    const header = signSandboxPayload(secret, body, t);
    const refuse = (h: string | undefined, b = body, at = now) =>
      expect(() => verifySandboxSignature(secret, b, h, at)).to.throw();
    refuse(undefined);
    refuse('nonsense');
    refuse(`t=${t}`);
    refuse(signSandboxPayload('x'.repeat(40), body, t));
    refuse(header, Buffer.from('{"id":"evt_2"}'));
    refuse(header, body, now + 301_000);
    refuse(header, body, now - 301_000);
    expect(() => verifySandboxSignature(secret, body, header, now + 299_000)).not.to.throw();
  });
});
