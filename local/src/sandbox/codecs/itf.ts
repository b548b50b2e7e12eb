// Interleaved 2 of 5 (ITF), the symbology FEBRABAN prescribes for the 44-digit boleto barcode.
// Drawn by bwip-js, whose wide bars are 3 narrow ones wide: inside the 2.25–3 ratio the boleto
// layout asks for. The padding is the quiet zone scanners need on both sides.
import bwipjs from 'bwip-js';

export interface ItfOptions {
  /** Bar height in millimetres (bwip-js units); FEBRABAN's boleto barcode is 13 mm tall. */
  heightMm?: number;
}

/** An SVG document of the ITF barcode of `digits` (an even number of digits, as ITF pairs them). */
export function itfSvg(digits: string, options: ItfOptions = {}): string {
  if (!/^(\d\d)+$/.test(digits)) throw new Error('ITF encodes a non-empty, even number of digits');
  return bwipjs.toSVG({
    bcid: 'interleaved2of5',
    text: digits,
    height: options.heightMm ?? 13,
    includetext: false,
    paddingwidth: 10,
  });
}
