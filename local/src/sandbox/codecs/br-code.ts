// Pix BR Code: the EMV "merchant presented mode" payload a bank app reads from the QR code or
// from "Pix copia e cola". Each field is TLV: 2-digit id, 2-digit length, value. Layout and CRC
// as in the Banco Central do Brasil's BR Code manual; see docs/brazil-payment-methods.md.

export const PIX_GUI = 'br.gov.bcb.pix';

export interface BrCodeInput {
  /** The receiver's Pix key (field 26-01). Used when `url` is absent. */
  pixKey: string;
  merchantName: string;
  merchantCity: string;
  /** Positive integer, in centavos. */
  amountCents: number;
  /** 1–25 letters or digits; identifies the charge (field 62-05). */
  txid: string;
  /** Location of the charge payload, without scheme (field 26-25). When given it replaces the key. */
  url?: string;
}

export interface ParsedBrCode {
  /** Every top-level field by id, values as written. */
  fields: Record<string, string>;
  /** Field 01: `dynamic` (12, single use) or `static` (11 or absent). */
  pointOfInitiation: 'static' | 'dynamic';
  pixKey?: string;
  url?: string;
  amountCents?: number;
  txid?: string;
  merchantName: string;
  merchantCity: string;
  crc: string;
}

const MAX_AMOUNT_CENTS = 999_999_999_999; // "9999999999.99": the 13 characters field 54 holds

/** CRC16-CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor) as 4 uppercase hex digits. */
export function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** The BR Code for one charge, CRC included. Throws on input it cannot encode faithfully. */
export function buildBrCode(input: BrCodeInput): string {
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents < 1 || input.amountCents > MAX_AMOUNT_CENTS) {
    throw new Error(`amountCents must be an integer from 1 to ${MAX_AMOUNT_CENTS}`);
  }
  if (!/^[A-Za-z0-9]{1,25}$/.test(input.txid)) throw new Error('txid must be 1 to 25 letters or digits');
  const account = input.url
    ? tlv('00', PIX_GUI) + tlv('25', checkedText('url', input.url, 77))
    : tlv('00', PIX_GUI) + tlv('01', checkedText('pixKey', input.pixKey, 77));
  const name = asciiFold(input.merchantName).slice(0, 25).trim();
  const city = asciiFold(input.merchantCity).slice(0, 15).trim();
  if (!name) throw new Error('merchantName must contain letters or digits');
  if (!city) throw new Error('merchantCity must contain letters or digits');
  const body =
    tlv('00', '01') +
    tlv('01', '12') +
    tlv('26', account) +
    tlv('52', '0000') +
    tlv('53', '986') +
    tlv('54', formatAmount(input.amountCents)) +
    tlv('58', 'BR') +
    tlv('59', name) +
    tlv('60', city) +
    tlv('62', tlv('05', input.txid)) +
    '6304';
  return body + crc16(body);
}

/** Reads a BR Code, checking its TLV structure, required fields and CRC. Throws an Error saying what is wrong. */
export function parseBrCode(data: string): ParsedBrCode {
  const text = data.trim();
  const entries = parseTlv(text, 'BR Code');
  const fields = Object.fromEntries(entries);
  const ids = entries.map(([id]) => id);
  if (ids[0] !== '00' || fields['00'] !== '01')
    throw new Error('BR Code must start with payload format indicator 000201');
  if (ids[ids.length - 1] !== '63' || !text.endsWith(`6304${fields['63']}`) || !/^[0-9A-F]{4}$/.test(fields['63']!)) {
    throw new Error('BR Code must end with a CRC field 63 of 4 uppercase hex digits');
  }
  const expected = crc16(text.slice(0, -4));
  if (fields['63'] !== expected) throw new Error(`BR Code CRC is ${fields['63']}, expected ${expected}`);

  const point = fields['01'];
  if (point !== undefined && point !== '11' && point !== '12') throw new Error('BR Code field 01 must be 11 or 12');
  const accountField = fields['26'];
  if (accountField === undefined) throw new Error('BR Code has no Pix merchant account information (field 26)');
  const account = Object.fromEntries(parseTlv(accountField, 'field 26'));
  if (account['00']?.toLowerCase() !== PIX_GUI) throw new Error(`BR Code field 26 must carry GUI ${PIX_GUI}`);
  if (account['01'] === undefined && account['25'] === undefined) {
    throw new Error('BR Code field 26 must carry a Pix key (01) or a location URL (25)');
  }
  for (const [id, value] of [
    ['52', undefined],
    ['53', '986'],
    ['58', 'BR'],
    ['59', undefined],
    ['60', undefined],
  ] as const) {
    if (fields[id] === undefined) throw new Error(`BR Code is missing field ${id}`);
    if (value !== undefined && fields[id] !== value) throw new Error(`BR Code field ${id} must be ${value}`);
  }
  const additional = fields['62'] === undefined ? {} : Object.fromEntries(parseTlv(fields['62'], 'field 62'));

  const parsed: ParsedBrCode = {
    fields,
    pointOfInitiation: point === '12' ? 'dynamic' : 'static',
    merchantName: fields['59']!,
    merchantCity: fields['60']!,
    crc: fields['63']!,
  };
  if (account['01'] !== undefined) parsed.pixKey = account['01'];
  if (account['25'] !== undefined) parsed.url = account['25'];
  if (fields['54'] !== undefined) parsed.amountCents = parseAmount(fields['54']);
  if (additional['05'] !== undefined && additional['05'] !== '***') parsed.txid = additional['05'];
  return parsed;
}

function tlv(id: string, value: string): string {
  if (value.length > 99) throw new Error(`BR Code field ${id} is longer than 99 characters`);
  return id + String(value.length).padStart(2, '0') + value;
}

/** The fields in the order written (an object would sort ids like "26" before "00"). */
function parseTlv(text: string, what: string): [string, string][] {
  const fields: [string, string][] = [];
  let at = 0;
  while (at < text.length) {
    const head = text.slice(at, at + 4);
    if (!/^\d{4}$/.test(head)) throw new Error(`${what}: expected a 2-digit id and 2-digit length at position ${at}`);
    const id = head.slice(0, 2);
    const length = Number(head.slice(2));
    const value = text.slice(at + 4, at + 4 + length);
    if (value.length !== length) throw new Error(`${what}: field ${id} is cut short`);
    if (fields.some(([seen]) => seen === id)) throw new Error(`${what}: field ${id} appears twice`);
    fields.push([id, value]);
    at += 4 + length;
  }
  return fields;
}

function formatAmount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function parseAmount(value: string): number {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) throw new Error(`BR Code amount (field 54) "${value}" is not a decimal like 10.50`);
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
  if (!Number.isSafeInteger(cents) || cents < 1) throw new Error('BR Code amount (field 54) must be positive');
  return cents;
}

function checkedText(name: string, value: string, max: number): string {
  if (!value || value.length > max || !/^[\x20-\x7e]+$/.test(value)) {
    throw new Error(`${name} must be 1 to ${max} printable ASCII characters`);
  }
  return value;
}

/** Bank apps read these fields as plain ASCII: drop accents ("São Paulo" → "Sao Paulo") and anything else. */
function asciiFold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
