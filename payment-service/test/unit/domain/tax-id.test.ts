import { expect } from 'chai';
import fc from 'fast-check';
import { maskTaxId, parseTaxId } from '../../../src/domain/tax-id';

// Check digits computed here the long way (as the Receita Federal describes them), not with the code under test.
function cpfWithCheckDigits(nine: string): string {
  let digits = nine;
  for (const start of [10, 11]) {
    const sum = [...digits].reduce((total, d, i) => total + Number(d) * (start - i), 0);
    digits += sum % 11 < 2 ? 0 : 11 - (sum % 11);
  }
  return digits;
}

function cnpjWithCheckDigits(twelve: string): string {
  let digits = twelve;
  for (const weights of [
    [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2],
    [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2],
  ]) {
    const sum = weights.reduce((total, w, i) => total + w * Number(digits[i]), 0);
    digits += sum % 11 < 2 ? 0 : 11 - (sum % 11);
  }
  return digits;
}

describe('tax ids (CPF, CNPJ)', () => {
  it('accepts published valid examples, bare or formatted', () => {
    expect(parseTaxId('529.982.247-25')).to.deep.equal({ type: 'cpf', digits: '52998224725' });
    expect(parseTaxId('52998224725')).to.deep.equal({ type: 'cpf', digits: '52998224725' });
    expect(parseTaxId(' 111.444.777-35 ')).to.deep.equal({ type: 'cpf', digits: '11144477735' });
    expect(parseTaxId('11.222.333/0001-81')).to.deep.equal({ type: 'cnpj', digits: '11222333000181' });
    expect(parseTaxId('11222333000181')).to.deep.equal({ type: 'cnpj', digits: '11222333000181' });
  });

  it('refuses wrong check digits, lengths, letters and one repeated digit', () => {
    for (const bad of [
      '529.982.247-24',
      '52998224735',
      '11.222.333/0001-80',
      '11222333000191',
      '111.111.111-11',
      '00000000000',
      '99999999999999',
      '5299822472',
      '529982247255',
      '529.982.247-2A',
      'cpf 52998224725',
      '',
    ]) {
      expect(parseTaxId(bad), bad).to.equal(undefined);
    }
  });

  it('accepts every CPF and CNPJ with the right check digits, and no other final pair', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), fc.integer({ min: 0, max: 99 }), (nine, pair) => {
        fc.pre(!/^(\d)\1*$/.test(nine));
        const valid = cpfWithCheckDigits(nine);
        expect(parseTaxId(valid)).to.deep.equal({ type: 'cpf', digits: valid });
        const other = nine + String(pair).padStart(2, '0');
        if (other !== valid) expect(parseTaxId(other)).to.equal(undefined);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), fc.integer({ min: 0, max: 99 }), (twelve, pair) => {
        fc.pre(!/^(\d)\1*$/.test(twelve));
        const valid = cnpjWithCheckDigits(twelve);
        expect(parseTaxId(valid)).to.deep.equal({ type: 'cnpj', digits: valid });
        const other = twelve + String(pair).padStart(2, '0');
        if (other !== valid) expect(parseTaxId(other)).to.equal(undefined);
      }),
    );
  });

  it('masks all but enough digits to recognise the id', () => {
    expect(maskTaxId({ type: 'cpf', digits: '52998224725' })).to.equal('***.982.247-**');
    expect(maskTaxId({ type: 'cnpj', digits: '11222333000181' })).to.equal('11.222.***/****-81');
  });
});
