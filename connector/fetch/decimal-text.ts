/**
 * Amounts as exact decimal strings. A string is kept as sent when it already is a plain
 * decimal; a JSON number is turned into text from its shortest round-trip form (what the
 * server wrote, for any amount a float can carry) and exponent notation is expanded by moving
 * the point in the digits. No arithmetic ever touches a float.
 */
const PLAIN = /^-?\d+(\.\d+)?$/;

export function decimalText(value: unknown): string | null {
  if (typeof value === 'string') {
    if (PLAIN.test(value)) return value;
    const trimmed = value.trim().replace(/^\+/, '');
    if (PLAIN.test(trimmed)) return trimmed;
    if (/^-?\d*\.\d+$/.test(trimmed)) return trimmed.replace(/^(-?)\./, '$10.');
    return expandExponent(trimmed);
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    const text = String(value);
    return PLAIN.test(text) ? text : expandExponent(text);
  }
  return null;
}

function expandExponent(text: string): string | null {
  const match = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/.exec(text);
  if (!match) return null;
  const [, sign = '', intPart = '', fracPart = '', expText = '0'] = match;
  const exponent = Number(expText);
  if (!Number.isFinite(exponent) || Math.abs(exponent) > 400) return null;
  const digits = intPart + fracPart;
  let point = intPart.length + exponent;
  let whole: string;
  let fraction: string;
  if (point <= 0) {
    whole = '0';
    fraction = '0'.repeat(-point) + digits;
    point = 0;
  } else if (point >= digits.length) {
    whole = digits + '0'.repeat(point - digits.length);
    fraction = '';
  } else {
    whole = digits.slice(0, point);
    fraction = digits.slice(point);
  }
  whole = whole.replace(/^0+(?=\d)/, '');
  fraction = fraction.replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}
