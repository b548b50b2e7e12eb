import { expect } from 'chai';
import { buildBrCode } from '../../../src/sandbox/codecs/br-code';
import { qrPng, qrPngDataUrl, qrSvg } from '../../../src/sandbox/codecs/qr-png';
import { decodeQrPng } from '../support/decoders';

describe('QR code images', () => {
  const data = buildBrCode({
    pixKey: '123e4567-e12b-12d1-a456-426655440000',
    merchantName: 'MicroPay Sandbox',
    merchantCity: 'Sao Paulo',
    amountCents: 123_456,
    txid: 'pay01JQRTEST00000000000000'.slice(0, 25),
  });

  it('draws a PNG that decodes back to exactly the BR Code', async () => {
    const png = await qrPng(data);
    expect(png.subarray(1, 4).toString()).to.equal('PNG');
    expect(decodeQrPng(png)).to.equal(data);
  });

  it('decodes a different code to a different text (the decoder is not fooled)', async () => {
    const other = buildBrCode({ pixKey: 'k', merchantName: 'A', merchantCity: 'B', amountCents: 1, txid: 'T' });
    expect(decodeQrPng(await qrPng(other)))
      .to.equal(other)
      .and.not.equal(data);
  });

  it('gives the same PNG as a data URL, and an SVG document', async () => {
    const url = await qrPngDataUrl(data);
    expect(url.startsWith('data:image/png;base64,')).to.equal(true);
    expect(decodeQrPng(Buffer.from(url.split(',')[1]!, 'base64'))).to.equal(data);
    expect(await qrSvg(data)).to.match(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\s*$/);
  });
});
