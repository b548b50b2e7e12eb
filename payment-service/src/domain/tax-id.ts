// Brazilian tax ids a boleto payer gives: CPF (people, 11 digits) and CNPJ (companies, 14).
// Both end in two mod-11 check digits; see docs/brazil-payment-methods.md.

export interface TaxId {
  type: 'cpf' | 'cnpj';
  /** The bare digits, without dots, slashes or hyphens. */
  digits: string;
}

const CPF_WEIGHTS = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_WEIGHTS = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

/**
 * A valid CPF or CNPJ, written bare or formatted ('123.456.789-09', '11.222.333/0001-81'), or
 * undefined. Numbers of one repeated digit pass the check-digit arithmetic but are not issued.
 */
export function parseTaxId(input: string): TaxId | undefined {
  const trimmed = input.trim();
  if (!/^[\d./\s-]+$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/[./\s-]/g, '');
  if (/^(\d)\1*$/.test(digits)) return undefined;
  if (digits.length === 11 && hasCheckDigits(digits, CPF_WEIGHTS)) return { type: 'cpf', digits };
  if (digits.length === 14 && hasCheckDigits(digits, CNPJ_WEIGHTS)) return { type: 'cnpj', digits };
  return undefined;
}

// For pages and logs: a CPF keeps its middle six digits, a CNPJ its first five and last two:
// enough for the payer to recognise, not enough to reuse.
export function maskTaxId(taxId: TaxId): string {
  const d = taxId.digits;
  return taxId.type === 'cpf'
    ? `***.${d.slice(3, 6)}.${d.slice(6, 9)}-**`
    : `${d.slice(0, 2)}.${d.slice(2, 5)}.***/****-${d.slice(12)}`;
}

/** The last two digits are mod 11 of the ones before, weighted by the tail of `weights`. */
function hasCheckDigits(digits: string, weights: number[]): boolean {
  for (const position of [digits.length - 2, digits.length - 1]) {
    const used = weights.slice(weights.length - position);
    const sum = used.reduce((total, weight, i) => total + weight * Number(digits[i]), 0);
    const remainder = sum % 11;
    if (Number(digits[position]) !== (remainder < 2 ? 0 : 11 - remainder)) return false;
  }
  return true;
}
