import { expect } from 'chai';
import fc from 'fast-check';
// An independent reader of boleto numbers (CommonJS, no types).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const boletoUtils = require('@mrmgomes/boleto-utils') as {
  validarBoleto(code: string): {
    sucesso: boolean;
    mensagem: string;
    codigoBarras: string;
    linhaDigitavel: string;
    valor: number;
    vencimentoComNovoFator2025?: Date;
  };
};
import {
  buildBoleto,
  dueDateFactor,
  dueDateFromFactor,
  parseBoleto,
  type BoletoInput,
} from '../../../src/sandbox/codecs/boleto';

// From @mrmgomes/boleto-utils' README: an Itaú barcode and its linha digitável.
const ITAU_BARCODE = '34196790600001000002220000005566385101214000';
const ITAU_LINE = '34192220090000556638551012140003679060000100000';

function input(overrides: Partial<BoletoInput> = {}): BoletoInput {
  return {
    bankCode: '001',
    amountCents: 1050,
    dueDate: '2026-12-07',
    freeField: '0000001234567890123456789',
    ...overrides,
  };
}

const boletos = fc.record({
  bankCode: fc.stringMatching(/^[0-79]\d\d$/), // 8 starts a utility bill, not a bank boleto
  amountCents: fc.integer({ min: 1, max: 9_999_999_999 }),
  dueDate: fc
    .integer({ min: Date.UTC(2000, 6, 3), max: Date.UTC(2049, 11, 31) })
    .map((t) => new Date(t).toISOString().slice(0, 10)),
  freeField: fc.stringMatching(/^\d{25}$/),
});

describe('boleto', () => {
  describe('due-date factor', () => {
    it('counts days since 1997-10-07, from 1000 on 2000-07-03', () => {
      expect(dueDateFactor('2000-07-03')).to.equal('1000');
      expect(dueDateFactor('2000-07-04')).to.equal('1001');
      expect(dueDateFactor('2016-05-22')).to.equal('6802');
    });

    it('reaches 9999 on 2025-02-21 and restarts at 1000 on 2025-02-22', () => {
      expect(dueDateFactor('2025-02-20')).to.equal('9998');
      expect(dueDateFactor('2025-02-21')).to.equal('9999');
      expect(dueDateFactor('2025-02-22')).to.equal('1000');
      expect(dueDateFactor('2025-02-23')).to.equal('1001');
      expect(dueDateFactor('2026-12-04')).to.equal('1650');
      expect(dueDateFactor('2049-10-13')).to.equal('9999');
      expect(dueDateFactor('2049-10-14')).to.equal('1000');
    });

    it('reads a factor as the matching day nearest to today, on both sides of the restart', () => {
      const feb2025 = new Date('2025-02-21T12:00:00Z');
      expect(dueDateFromFactor('9999', feb2025)).to.equal('2025-02-21');
      expect(dueDateFromFactor('1000', feb2025)).to.equal('2025-02-22');
      expect(dueDateFromFactor('9990', new Date('2025-06-01T00:00:00Z'))).to.equal('2025-02-12');
      expect(dueDateFromFactor('1650', new Date('2026-12-04T00:00:00Z'))).to.equal('2026-12-04');
      expect(dueDateFromFactor('1000', new Date('2001-01-01T00:00:00Z'))).to.equal('2000-07-03');
      expect(dueDateFromFactor('6802', new Date('2016-01-01T00:00:00Z'))).to.equal('2016-05-22');
    });

    it('refuses dates it cannot express', () => {
      expect(() => dueDateFactor('2000-07-02')).to.throw(/before 2000-07-03/);
      expect(() => dueDateFactor('2026-02-30')).to.throw(/not a date/);
      expect(() => dueDateFactor('07/12/2026')).to.throw(/not a date/);
      expect(() => dueDateFromFactor('0999')).to.throw(/1000–9999/);
    });
  });

  it('reads the published Itaú example, as barcode and as linha digitável', () => {
    const fromBarcode = parseBoleto(ITAU_BARCODE, new Date('2019-05-01T00:00:00Z'));
    expect(fromBarcode).to.include({ barcode: ITAU_BARCODE, number: ITAU_LINE, bankCode: '341', amountCents: 100_000 });
    expect(fromBarcode.dueDate).to.equal('2019-05-31'); // factor 7906
    expect(parseBoleto(ITAU_LINE, new Date('2019-05-01T00:00:00Z'))).to.deep.equal(fromBarcode);
    expect(fromBarcode.formattedNumber).to.equal('34192.22009 00005.566385 51012.140003 6 79060000100000');
    expect(parseBoleto(fromBarcode.formattedNumber, new Date('2019-05-01T00:00:00Z'))).to.deep.equal(fromBarcode);
  });

  it('builds the barcode and linha digitável field by field', () => {
    const boleto = buildBoleto(input());
    expect(boleto.barcode)
      .to.have.length(44)
      .and.match(/^0019.165300000010500000001234567890123456789$/);
    expect(boleto.number).to.have.length(47);
    expect(boleto.formattedNumber).to.match(/^00190\.0000\d \d{5}\.\d{6} \d{5}\.\d{6} \d 16530000001050$/);
    expect(boleto.formattedNumber.replace(/\D/g, '')).to.equal(boleto.number);
    const parsed = parseBoleto(boleto.number, new Date('2026-12-04T00:00:00Z'));
    expect(parsed).to.include({ ...boleto, bankCode: '001', amountCents: 1050, dueDate: '2026-12-07' });
  });

  it('is read the same by @mrmgomes/boleto-utils', () => {
    const boleto = buildBoleto(input({ amountCents: 123_456_78 }));
    for (const code of [boleto.barcode, boleto.number, boleto.formattedNumber]) {
      const result = boletoUtils.validarBoleto(code);
      expect(result, result.mensagem).to.include({
        sucesso: true,
        codigoBarras: boleto.barcode,
        linhaDigitavel: boleto.number,
      });
      expect(result.valor).to.equal(123_456.78);
    }
    // It reads factors after the 2025 restart into this field (as a local time late on the day).
    expect(boletoUtils.validarBoleto(boleto.number).vencimentoComNovoFator2025?.toISOString().slice(0, 10)).to.equal(
      '2026-12-07',
    );
  });

  it('refuses amounts above R$ 99.999.999,99 and other input it cannot encode', () => {
    expect(buildBoleto(input({ amountCents: 9_999_999_999 })).barcode.slice(9, 19)).to.equal('9999999999');
    for (const [bad, message] of [
      [{ amountCents: 10_000_000_000 }, /amountCents/],
      [{ amountCents: 0 }, /amountCents/],
      [{ amountCents: 1.5 }, /amountCents/],
      [{ bankCode: '01' }, /bankCode/],
      [{ freeField: '123' }, /freeField/],
      [{ dueDate: '2000-01-01' }, /before 2000-07-03/],
    ] as const) {
      expect(() => buildBoleto(input(bad)), JSON.stringify(bad)).to.throw(message);
    }
  });

  it('refuses malformed numbers with a message saying what is wrong', () => {
    const { number, barcode } = buildBoleto(input());
    const flip = (text: string, at: number) => text.slice(0, at) + ((Number(text[at]) + 1) % 10) + text.slice(at + 1);
    for (const [bad, message] of [
      ['', /47 digits .*or 44 .*not 0/],
      [number.slice(1), /not 46/],
      [number.replace('0', 'O'), /only digits/],
      [flip(number, 2), /field 1/],
      [flip(number, 12), /field 2/],
      [flip(number, 25), /field 3/],
      [flip(number, 32), /general check digit/],
      [flip(number, 40), /general check digit/],
      [flip(barcode, 4), /general check digit/],
      ['8'.padEnd(44, '0'), /utility or tax bill/],
    ] as const) {
      expect(() => parseBoleto(bad), bad).to.throw(message);
    }
  });

  it('round-trips any boleto, formatted or not, and boleto-utils agrees', () => {
    fc.assert(
      fc.property(boletos, (b) => {
        const boleto = buildBoleto(b);
        const today = new Date(`${b.dueDate}T12:00:00Z`);
        for (const code of [boleto.barcode, boleto.number, boleto.formattedNumber]) {
          expect(parseBoleto(code, today)).to.deep.equal({ ...boleto, ...b });
        }
        const theirs = boletoUtils.validarBoleto(boleto.number);
        expect(theirs, theirs.mensagem).to.include({ sucesso: true, codigoBarras: boleto.barcode });
        // boleto-utils drops the first digit of a 10-digit amount whose second digit is 0
        // ("1000000000" reads as 0): compare amounts where its reading is sound.
        if (b.amountCents < 1_000_000_000) expect(Math.round(theirs.valor * 100)).to.equal(b.amountCents);
      }),
    );
  });

  // FEBRABAN's module 11 turns remainders 0, 1 and 10 all into check digit 1, so when that digit
  // is 1 a changed digit that only module 11 covers (all of the barcode; bank, currency, factor
  // and amount in the linha digitável) can go unseen. Every other single change is caught.
  it('rejects any single changed digit, except where a general check digit of 1 cannot tell', () => {
    fc.assert(
      fc.property(boletos, fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 9 }), (b, line, where, delta) => {
        const boleto = buildBoleto(b);
        const code = line ? boleto.number : boleto.barcode;
        const at = where % code.length;
        const changed = code.slice(0, at) + ((Number(code[at]) + delta) % 10) + code.slice(at + 1);
        let accepted = true;
        try {
          parseBoleto(changed);
        } catch {
          accepted = false;
        }
        if (accepted) {
          expect(boleto.barcode[4], changed).to.equal('1');
          expect(line ? at >= 33 : at !== 4, changed).to.equal(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
