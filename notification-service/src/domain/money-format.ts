/**
 * One formatter per locale and currency: building an Intl.NumberFormat costs far more than
 * using one (it showed in CPU profiles of every receipt), and the set of pairs is small.
 */
const formats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

/** 1050 + "usd" → "$10.50"; 1050 + "jpy" → "¥1,050": minor units per the currency's own exponent. */
export function formatMoney(amount: number, currency: string, locale = 'en-US'): string {
  const code = currency.toUpperCase();
  const cacheKey = `${locale} ${code}`;
  let entry = formats.get(cacheKey);
  if (!entry) {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency: code });
    entry = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    // Only valid pairs reach here (the constructor throws on others); a bound keeps it small anyway.
    if (formats.size < 1000) formats.set(cacheKey, entry);
  }
  return entry.format.format(amount / 10 ** entry.digits);
}
