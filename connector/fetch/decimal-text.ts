import { SystemError } from '../errors/connector-errors.js';
import { PATHS } from '../finpro/finpro-endpoints.js';
import type { FiRecordContext } from './fi-record-context.js';

/**
 * Amounts as exact decimal strings. A string is kept as sent when it already is a plain
 * decimal; a JSON number is turned into text from its shortest round-trip form (what the
 * server wrote, for any amount a float can carry) and exponent notation is expanded by moving
 * the point in the digits. No arithmetic ever touches a float.
 */
const PLAIN = /^-?\d+(\.\d+)?$/;

/**
 * An amount field of the FI data: null when absent, its exact text when a decimal string or a
 * number, else a SystemError naming the field, consent and session (an object or a word for
 * an amount is a server out of contract; a null amount would hide the loss).
 */
export function amountOrNull(value: unknown, field: string, ctx: FiRecordContext): string | null {
  if (value === null || value === undefined) return null;
  const text = decimalText(value);
  if (text !== null) return text;
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : String(value);
  throw new SystemError(`FinPro ${PATHS.allFiData} sent ${field} = ${shown} for consent ${ctx.consentId} (session ${ctx.sessionId}): an amount must be a decimal string or a number.`);
}

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
