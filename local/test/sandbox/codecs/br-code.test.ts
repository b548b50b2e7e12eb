import { expect } from 'chai';
import fc from 'fast-check';
import { hasError, isStaticPix, parsePix } from 'pix-utils';
import { buildBrCode, crc16, parseBrCode, type BrCodeInput } from '../../../src/sandbox/codecs/br-code';

// The static example of the BCB's BR Code manual, and one from pix-utils' README, with their CRCs.
const BCB_EXAMPLE =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';
const PIX_UTILS_EXAMPLE =
  '00020126650014br.gov.bcb.pix0119nubank@thalesog.com0220Gerado por Pix-Utils52040000530398654041.005802BR5914Thales Ogliari6015SAO MIGUEL DO O62070503***6304059A';

function input(overrides: Partial<BrCodeInput> = {}): BrCodeInput {
  return {
    pixKey: 'sandbox@micropay.dev',
    merchantName: 'Loja São João',
    merchantCity: 'São Paulo',
    amountCents: 1050,
    txid: 'pay01JABCDEF',
    ...overrides,
  };
}

const inputs = fc.record({
  pixKey: fc.stringMatching(/^[a-z0-9@.+-]{1,77}$/),
  merchantName: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => /[A-Za-z0-9]/.test(s)),
  merchantCity: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => /[A-Za-z0-9]/.test(s)),
  amountCents: fc.integer({ min: 1, max: 999_999_999_999 }),
  txid: fc.stringMatching(/^[A-Za-z0-9]{1,25}$/),
});

describe('BR Code', () => {
  it('computes the CRC16-CCITT-FALSE check value of the standard test string and of published codes', () => {
    expect(crc16('123456789')).to.equal('29B1');
    expect(crc16(BCB_EXAMPLE.slice(0, -4))).to.equal('1D3D');
    expect(crc16(PIX_UTILS_EXAMPLE.slice(0, -4))).to.equal('059A');
  });

  it('reads the published examples', () => {
    const bcb = parseBrCode(BCB_EXAMPLE);
    expect(bcb).to.include({ pixKey: '123e4567-e12b-12d1-a456-426655440000', merchantName: 'Fulano de Tal' });
    expect(bcb).to.include({ merchantCity: 'BRASILIA', pointOfInitiation: 'static', crc: '1D3D' });
    expect(bcb.txid).to.equal(undefined); // "***": no txid
    expect(parseBrCode(PIX_UTILS_EXAMPLE)).to.include({ amountCents: 100, pixKey: 'nubank@thalesog.com' });
  });

  it('builds a dynamic code with the fields in order, read back by pix-utils', () => {
    const data = buildBrCode(input());
    expect(data).to.equal(
      '000201010212' +
        '26420014br.gov.bcb.pix0120sandbox@micropay.dev' +
        '52040000' +
        '5303986' +
        '540510.50' +
        '5802BR' +
        '5913Loja Sao Joao' +
        '6009Sao Paulo' +
        '62160512pay01JABCDEF' +
        `6304${crc16(data.slice(0, -4))}`,
    );
    const pix = parsePix(data);
    if (hasError(pix)) throw new Error(pix.message);
    expect(pix).to.include({ pixKey: 'sandbox@micropay.dev', transactionAmount: 10.5, txid: 'pay01JABCDEF' });
    expect(pix).to.include({ merchantName: 'Loja Sao Joao', merchantCity: 'Sao Paulo', countryCode: 'BR' });
    expect(pix).to.include({ transactionCurrency: '986', merchantCategoryCode: '0000' });
  });

  it('puts the location URL in 26-25 instead of the key when one is given', () => {
    const data = buildBrCode(input({ url: 'sandbox.micropay.dev/pix/v2/cobv/pay01' }));
    expect(data).to.contain('2538sandbox.micropay.dev/pix/v2/cobv/pay01').and.not.contain('sandbox@micropay.dev');
    const pix = parsePix(data);
    if (hasError(pix)) throw new Error(pix.message);
    expect(pix).to.include({ type: 'DYNAMIC', url: 'sandbox.micropay.dev/pix/v2/cobv/pay01' });
    expect(parseBrCode(data)).to.include({ url: 'sandbox.micropay.dev/pix/v2/cobv/pay01', amountCents: 1050 });
  });

  it('folds names to ASCII and cuts them to 25 and 15 characters', () => {
    const data = buildBrCode(
      input({ merchantName: 'Açaí & Pão de Queijo da Vovó Ltda', merchantCity: 'Florianópolis do Sul' }),
    );
    expect(parseBrCode(data)).to.include({
      merchantName: 'Acai & Pao de Queijo da V',
      merchantCity: 'Florianopolis d',
    });
  });

  it('formats amounts with two decimals', () => {
    expect(parseBrCode(buildBrCode(input({ amountCents: 1 }))).fields['54']).to.equal('0.01');
    expect(parseBrCode(buildBrCode(input({ amountCents: 100 }))).fields['54']).to.equal('1.00');
    expect(parseBrCode(buildBrCode(input({ amountCents: 999_999_999_999 }))).fields['54']).to.equal('9999999999.99');
  });

  it('refuses input it cannot encode', () => {
    for (const [bad, message] of [
      [{ amountCents: 0 }, /amountCents/],
      [{ amountCents: 10.5 }, /amountCents/],
      [{ amountCents: 1_000_000_000_000 }, /amountCents/],
      [{ txid: '' }, /txid/],
      [{ txid: 'has-dash' }, /txid/],
      [{ txid: 'A'.repeat(26) }, /txid/],
      [{ pixKey: 'k'.repeat(78) }, /pixKey/],
      [{ pixKey: 'chave\u00e9' }, /pixKey/],
      [{ merchantName: '☃' }, /merchantName/],
      [{ merchantCity: ' ' }, /merchantCity/],
    ] as const) {
      expect(() => buildBrCode(input(bad)), JSON.stringify(bad)).to.throw(message);
    }
  });

  it('refuses malformed codes with a message saying what is wrong', () => {
    const good = buildBrCode(input());
    const body = good.slice(0, -8);
    const resealed = (text: string) => `${text}6304${crc16(`${text}6304`)}`;
    for (const [bad, message] of [
      ['', /start with payload format indicator/],
      ['hello', /2-digit id/],
      [good.slice(0, -1), /cut short|CRC/],
      [good.slice(0, -4) + '0000', /CRC is 0000/],
      [resealed(body.replace('000201', '000202')), /payload format indicator/],
      [resealed(body.replace('0014br.gov.bcb.pix', '0014br.gov.bcb.pax')), /GUI/],
      [resealed(body.replace('5303986', '5303840')), /field 53 must be 986/],
      [resealed(body.replace('540510.50', '54051O.50')), /amount/],
      [resealed(body.replace('5802BR', '')), /missing field 58/],
      [resealed(body + '5802BR'), /appears twice/],
      [body + '6304', /field 63 is cut short/],
      [good.slice(0, -4) + good.slice(-4).toLowerCase().replace(/\d/g, 'a'), /uppercase hex/],
    ] as const) {
      expect(() => parseBrCode(bad), bad).to.throw(message);
    }
  });

  it('round-trips any charge, and pix-utils agrees', () => {
    fc.assert(
      fc.property(inputs, (charge) => {
        const data = buildBrCode(charge);
        const parsed = parseBrCode(data);
        expect(parsed).to.include({ pixKey: charge.pixKey, amountCents: charge.amountCents, txid: charge.txid });
        expect(parsed.pointOfInitiation).to.equal('dynamic');
        const pix = parsePix(data);
        // pix-utils calls a code "static" by its account field (a key, not a URL), whatever field 01 says.
        if (hasError(pix) || !isStaticPix(pix)) throw new Error(`pix-utils cannot read ${data}`);
        expect(pix).to.include({ pixKey: charge.pixKey, txid: charge.txid, merchantName: parsed.merchantName });
        expect(Math.round(Number(pix.transactionAmount) * 100)).to.equal(charge.amountCents);
      }),
    );
  });

  it('rejects any single changed character', () => {
    fc.assert(
      fc.property(inputs, fc.nat(), fc.integer({ min: 0x21, max: 0x7e }), (charge, where, replacement) => {
        const data = buildBrCode(charge);
        const at = where % data.length;
        fc.pre(data.charCodeAt(at) !== replacement);
        const changed = data.slice(0, at) + String.fromCharCode(replacement) + data.slice(at + 1);
        expect(() => parseBrCode(changed)).to.throw(Error);
      }),
    );
  });
});
