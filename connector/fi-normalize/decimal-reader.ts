/**
 * Amounts, units, prices and rates as exact decimal strings. FI values were XML attributes,
 * so they arrive as strings, JSON numbers, `""` (no value) or in scientific notation. A
 * plain decimal string is kept as sent (the common case: one char-code scan, no regex); a
 * JSON number becomes the text of its shortest round-trip form (what the server wrote); an
 * exponent is expanded by moving the point in the digits. No arithmetic touches a float.
 */

/** Not a decimal (a word, an object...): the caller decides whether that ends the read. */
export const NOT_DECIMAL = undefined;

/** The exact decimal text of `value`; null for absent, null or blank (`""` means no value, never 0); undefined when it is no decimal. */
export function decimalOf(value: unknown): string | null | undefined {
  if (typeof value === 'string') {
    if (isPlainDecimal(value)) return value;
    return slowDecimal(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return NOT_DECIMAL;
    const text = String(value);
    return isPlainDecimal(text) ? text : expandExponent(text);
  }
  if (value === null || value === undefined) return null;
  return NOT_DECIMAL;
}

/** `-?digits(.digits)?`, by char codes. */
function isPlainDecimal(text: string): boolean {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  const start = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === start) return false;
  if (i === n) return true;
  if (text.charCodeAt(i) !== 46) return false;
  const fraction = ++i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  return i === n && i > fraction;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The rare spellings: blank, surrounding spaces, a leading `+`, `.5`, `5.`, exponents. */
function slowDecimal(value: string): string | null | undefined {
  let text = value.trim();
  if (text === '') return null;
  if (text.charCodeAt(0) === 43) text = text.slice(1);
  if (isPlainDecimal(text)) return text;
  const bare = /^(-?)(\d*)\.(\d*)$/.exec(text);
  if (bare && (bare[2] !== '' || bare[3] !== '')) {
    const [, sign = '', whole = '', fraction = ''] = bare;
    return `${sign}${whole === '' ? '0' : whole}${fraction === '' ? '' : `.${fraction}`}`;
  }
  return expandExponent(text);
}

function expandExponent(text: string): string | undefined {
  const match = /^(-?)(\d*)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return NOT_DECIMAL;
  const [, sign = '', intPart = '', fracPart = '', expText = '0'] = match;
  const exponent = Number(expText);
  if (Math.abs(exponent) > 400) return NOT_DECIMAL;
  const digits = intPart + fracPart;
  const point = intPart.length + exponent;
  let whole: string;
  let fraction: string;
  if (point <= 0) {
    whole = '0';
    fraction = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    whole = digits + '0'.repeat(point - digits.length);
    fraction = '';
  } else {
    whole = digits.slice(0, point);
    fraction = digits.slice(point);
  }
  whole = whole.replace(/^0+(?=\d)/, '');
  fraction = fraction.replace(/0+$/, '');
  const body = `${whole}${fraction ? `.${fraction}` : ''}`;
  return sign !== '' && /[1-9]/.test(body) ? `-${body}` : body;
}
