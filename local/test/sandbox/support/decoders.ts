// Decoders independent of the code under test: jsQR for QR codes, and a small reader of ITF
// bars written from the symbology, so the tests check what a scanner would see.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** The text jsQR (an independent decoder) reads from a PNG, or undefined. */
export function decodeQrPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

// Interleaved 2 of 5 digit patterns (n narrow, w wide), written out here from the symbology.
const PATTERNS = ['nnwwn', 'wnnnw', 'nwnnw', 'wwnnn', 'nnwnw', 'wnwnn', 'nwwnn', 'nnnww', 'wnnwn', 'nwnwn'];

/** Reads digits back from the bars of an SVG: a small decoder independent of the generator. */
export function decodeItfSvg(svg: string): string {
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
