import { invalid } from './http-io.js';
import { parseIsoInstant } from '../util/time-format.js';

/**
 * Field readers that fail with InvalidRequest naming the field (the contract's rule).
 * Hand-written rather than zod: each check is one line and the message must name the exact
 * path (`consents_list[12].fiDataRangeTo`).
 */
export function optionalString(obj: Record<string, unknown>, key: string, path = key): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(path, 'must be a string');
  return v;
}

export function requiredString(obj: Record<string, unknown>, key: string, path = key): string {
  const v = optionalString(obj, key, path);
  if (v === undefined || v.trim() === '') throw invalid(path, 'is required');
  return v;
}

/** An optional ISO-8601 instant (ms); empty string counts as absent (CSV cells, some clients). */
export function optionalInstant(obj: Record<string, unknown>, key: string, path = key): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null || v === '') return undefined;
  const ms = parseIsoInstant(v);
  if (ms === undefined) throw invalid(path, 'must be an ISO-8601 date-time (e.g. 2025-01-31T00:00:00.000Z)');
  return ms;
}

export function optionalInteger(obj: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(key, `must be an integer from ${min} to ${max}`);
  }
  return v;
}

export function optionalBoolean(obj: Record<string, unknown>, key: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid(key, 'must be a boolean');
  return v;
}

export const REFERENCE_ID_PATTERN = /^[A-Za-z0-9_-]{5,60}$/;
