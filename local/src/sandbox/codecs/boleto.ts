// FEBRABAN "boleto de cobrança": the 44-digit barcode and the 47-digit linha digitável a payer
// types in. Layout, check digits and the due-date factor (with its 2025 restart) are described
// in docs/brazil-payment-methods.md.

export interface BoletoInput {
  /** The bank's 3-digit COMPE code, e.g. '001'. */
  bankCode: string;
  /** Integer centavos, 1 … 9,999,999,999 (the barcode's 10 amount digits). */
  amountCents: number;
  /** 'YYYY-MM-DD', from 2000-07-03 (factor 1000) on. */
  dueDate: string;
  /** The bank's own 25 digits (agreement, our number, …). */
  freeField: string;
}

export interface Boleto {
  barcode: string;
  /** Linha digitável, 47 digits. */
  number: string;
  /** Linha digitável as printed: 'AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE'. */
  formattedNumber: string;
}

export interface ParsedBoleto extends Boleto {
  bankCode: string;
  amountCents: number;
  /** 'YYYY-MM-DD', or null for factor 0000 (no due date). */
  dueDate: string | null;
  freeField: string;
}

export const MAX_BOLETO_AMOUNT_CENTS = 9_999_999_999;

const DAY_MS = 86_400_000;
const FACTOR_BASE = Date.UTC(1997, 9, 7); // factor = days since 1997-10-07 …
const FACTOR_CYCLE = 9000; // … kept in 1000–9999: after 9999 (2025-02-21) it restarts at 1000

/** The 4-digit due-date factor of 'YYYY-MM-DD'. */
export function dueDateFactor(date: string): string {
  const days = (parseDate(date) - FACTOR_BASE) / DAY_MS;
  if (days < 1000) throw new Error(`dueDate ${date} is before 2000-07-03, the first date a factor can express`);
  return String(1000 + ((days - 1000) % FACTOR_CYCLE));
}

/**
 * The due date a factor stands for. A factor names one day in every 9,000 (about 24.6 years), so
 * it is read as the day nearest to `today`, as banks do since the 2025 restart.
 */
export function dueDateFromFactor(factor: string, today: Date = new Date()): string {
  if (!/^\d{4}$/.test(factor) || Number(factor) < 1000) throw new Error(`due-date factor ${factor} is not 1000–9999`);
  const todayDays = Math.floor((today.getTime() - FACTOR_BASE) / DAY_MS);
  const first = Number(factor);
  const cycles = Math.max(0, Math.round((todayDays - first) / FACTOR_CYCLE));
  return new Date(FACTOR_BASE + (first + cycles * FACTOR_CYCLE) * DAY_MS).toISOString().slice(0, 10);
}

export function buildBoleto(input: BoletoInput): Boleto {
  if (!/^\d{3}$/.test(input.bankCode)) throw new Error('bankCode must be 3 digits');
  if (!/^\d{25}$/.test(input.freeField)) throw new Error('freeField must be 25 digits');
  if (
    !Number.isSafeInteger(input.amountCents) ||
    input.amountCents < 1 ||
    input.amountCents > MAX_BOLETO_AMOUNT_CENTS
  ) {
    throw new Error('amountCents must be an integer from 1 to 9999999999 (R$ 99.999.999,99)');
  }
  const tail = dueDateFactor(input.dueDate) + String(input.amountCents).padStart(10, '0') + input.freeField;
  const head = `${input.bankCode}9`; // 9: the currency is the real
  const barcode = head + generalCheckDigit(head + tail) + tail;
  return fromBarcode(barcode);
}

/**
 * Reads a linha digitável (47 digits) or barcode (44 digits), with or without dots, spaces or
 * hyphens, and checks every check digit. Throws an Error saying what is wrong.
 */
export function parseBoleto(input: string, today: Date = new Date()): ParsedBoleto {
  const digits = input.replace(/[\s.-]/g, '');
  if (!/^\d*$/.test(digits)) throw new Error('a boleto number has only digits, dots, spaces and hyphens');
  let barcode: string;
  if (digits.length === 47) barcode = barcodeOfLine(digits);
  else if (digits.length === 44) barcode = digits;
  else throw new Error(`a boleto number has 47 digits (linha digitável) or 44 (barcode), not ${digits.length}`);
  if (barcode.startsWith('8')) throw new Error('this is a utility or tax bill (arrecadação), not a bank boleto');
  if (barcode[3] !== '9') throw new Error('the boleto currency digit must be 9 (real)');
  const expected = generalCheckDigit(barcode.slice(0, 4) + barcode.slice(5));
  if (barcode[4] !== expected) throw new Error(`the boleto general check digit is ${barcode[4]}, expected ${expected}`);
  const factor = barcode.slice(5, 9);
  if (factor !== '0000' && Number(factor) < 1000) throw new Error(`the boleto due-date factor ${factor} is invalid`);
  return {
    ...fromBarcode(barcode),
    bankCode: barcode.slice(0, 3),
    amountCents: Number(barcode.slice(9, 19)),
    dueDate: factor === '0000' ? null : dueDateFromFactor(factor, today),
    freeField: barcode.slice(19),
  };
}

/** A 47-digit linha digitável (formatted or not) as printed: 'AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE'. */
export function formatBoletoNumber(number: string): string {
  const d = number.replace(/[\s.-]/g, '');
  if (!/^\d{47}$/.test(d)) throw new Error('a linha digitável has 47 digits');
  return `${d.slice(0, 5)}.${d.slice(5, 10)} ${d.slice(10, 15)}.${d.slice(15, 21)} ${d.slice(21, 26)}.${d.slice(26, 32)} ${d[32]} ${d.slice(33)}`;
}

function fromBarcode(barcode: string): Boleto {
  const free = barcode.slice(19);
  const field1 = withMod10(barcode.slice(0, 4) + free.slice(0, 5));
  const field2 = withMod10(free.slice(5, 15));
  const field3 = withMod10(free.slice(15, 25));
  const number = field1 + field2 + field3 + barcode[4] + barcode.slice(5, 19);
  return { barcode, number, formattedNumber: formatBoletoNumber(number) };
}

/** The barcode a linha digitável stands for, after checking its three field check digits. */
function barcodeOfLine(line: string): string {
  const fields = [line.slice(0, 10), line.slice(10, 21), line.slice(21, 32)];
  fields.forEach((field, i) => {
    const expected = mod10(field.slice(0, -1));
    if (field.slice(-1) !== expected) {
      throw new Error(
        `the check digit of field ${i + 1} of the linha digitável is ${field.slice(-1)}, expected ${expected}`,
      );
    }
  });
  const [f1, f2, f3] = fields as [string, string, string];
  return f1.slice(0, 4) + line[32] + line.slice(33) + f1.slice(4, 9) + f2.slice(0, 10) + f3.slice(0, 10);
}

function withMod10(digits: string): string {
  return digits + mod10(digits);
}

/** Module 10: weights 2, 1, 2, … from the right; a two-digit product counts as the sum of its digits. */
function mod10(digits: string): string {
  let sum = 0;
  [...digits].reverse().forEach((d, i) => {
    const product = Number(d) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  });
  return String((10 - (sum % 10)) % 10);
}

/** Module 11 over the 43 other digits: weights 2 … 9 from the right, repeating; 0, 10 and 11 become 1. */
function generalCheckDigit(digits43: string): string {
  let sum = 0;
  [...digits43].reverse().forEach((d, i) => (sum += Number(d) * (2 + (i % 8))));
  const digit = 11 - (sum % 11);
  return String(digit === 0 || digit === 10 || digit === 11 ? 1 : digit);
}

function parseDate(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== date) {
    throw new Error(`dueDate ${date} is not a date like 2025-02-22`);
  }
  return time;
}
