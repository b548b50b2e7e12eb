import { expect } from 'chai';
import fc from 'fast-check';
import { buildBoleto } from '../../../src/sandbox/codecs/boleto';
import { itfSvg } from '../../../src/sandbox/codecs/itf';

// Interleaved 2 of 5 digit patterns (n narrow, w wide), written out here from the symbology.
const PATTERNS = ['nnwwn', 'wnnnw', 'nwnnw', 'wwnnn', 'nnwnw', 'wnwnn', 'nwwnn', 'nnnww', 'wnnwn', 'nwnwn'];

/** Reads digits back from the bars of an SVG: a small decoder independent of the generator. */
function decodeItfSvg(svg: string): string {
  const bars: { left: number; width: number }[] = [];
  for (const [, width, d] of svg.matchAll(/<path[^>]*stroke-width="([\d.]+)"[^>]*d="([^"]+)"/g)) {
    for (const [, x] of d!.matchAll(/M([\d.]+) [\d.]+L[\d.]+ [\d.]+/g)) {
      bars.push({ left: Number(x) - Number(width) / 2, width: Number(width) });
    }
  }
  bars.sort((a, b) => a.left - b.left);
  const elements: number[] = []; // bar, space, bar, space, …, bar
  bars.forEach((bar, i) => {
    const next = bars[i + 1];
    elements.push(bar.width);
    if (next) elements.push(next.left - bar.left - bar.width);
  });
  const narrow = Math.min(...elements);
  const kinds = elements.map((w) => (w > narrow * 1.8 ? 'w' : 'n')).join('');
  if (!kinds.startsWith('nnnn') || !kinds.endsWith('wnn')) throw new Error(`no start/stop pattern: ${kinds}`);
  const body = kinds.slice(4, -3);
  if (body.length % 10 !== 0) throw new Error(`body of ${body.length} elements`);
  let digits = '';
  for (let i = 0; i < body.length; i += 10) {
    const pair = body.slice(i, i + 10);
    for (const offset of [0, 1]) {
      const pattern = [0, 2, 4, 6, 8].map((k) => pair[k + offset]).join('');
      const digit = PATTERNS.indexOf(pattern);
      if (digit < 0) throw new Error(`unknown pattern ${pattern}`);
      digits += digit;
    }
  }
  return digits;
}

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
