const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * An amount as people read it, from the exact Decimal string the gateway sends: digits grouped by
 * thousands, every decimal kept (padded to two, never rounded), the sign in front, the currency
 * after. It never goes through a float, so 12345678901234567.89 stays exactly that. A string that
 * is not a decimal is shown as it came.
 */
export function formatMoney(amount: string, currency?: string): string {
  const match = DECIMAL.exec(amount.trim());
  if (match === null) return currency === undefined ? amount : `${amount} ${currency}`;
  const [, sign = '', whole = '0', decimals = ''] = match;
  const digits = whole.replace(/^0+(?=\d)/, '');
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = decimals.padEnd(2, '0');
  const isZero = /^0*$/.test(digits + decimals);
  const shownSign = sign === '-' && !isZero ? '-' : '';
  const text = `${shownSign}${grouped}.${fraction}`;
  return currency === undefined ? text : `${text} ${currency}`;
}
