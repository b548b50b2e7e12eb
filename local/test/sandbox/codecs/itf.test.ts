import { expect } from 'chai';
import fc from 'fast-check';
import { buildBoleto } from '../../../src/sandbox/codecs/boleto';
import { itfSvg } from '../../../src/sandbox/codecs/itf';
import { decodeItfSvg } from '../support/decoders';

describe('ITF barcode SVG', () => {
  it('draws the 44-digit boleto barcode, read back bar by bar', () => {
    const { barcode } = buildBoleto({
      bankCode: '001',
      amountCents: 1050,
      dueDate: '2026-12-07',
      freeField: '0000001234567890123456789',
    });
    const svg = itfSvg(barcode);
    expect(svg).to.match(/^<svg [^>]*viewBox="0 0 [\d.]+ [\d.]+"[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(decodeItfSvg(svg)).to.equal(barcode);
  });

  it('draws wide bars three narrow ones wide', () => {
    const widths = [...itfSvg('1234').matchAll(/stroke-width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.max(...widths) / Math.min(...widths)).to.equal(3);
  });

  it('reads back any even number of digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(\d\d){1,22}$/), (digits) => {
        expect(decodeItfSvg(itfSvg(digits))).to.equal(digits);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses what ITF cannot encode', () => {
    expect(() => itfSvg('123')).to.throw(/even number of digits/);
    expect(() => itfSvg('')).to.throw(/even number of digits/);
    expect(() => itfSvg('12a4')).to.throw(/even number of digits/);
  });
});
