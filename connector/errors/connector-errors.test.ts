import { describe, expect, it } from 'vitest';
import { failureTypeOfDestinationError } from './connector-errors.js';

const withCode = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('failureTypeOfDestinationError', () => {
  it.each([
    ['08006', 'transient_error'],
    ['57P01', 'transient_error'],
    ['53100', 'transient_error'],
    ['28P01', 'config_error'],
    ['3D000', 'config_error'],
    ['42501', 'config_error'],
    ['42P01', 'system_error'],
    ['23505', 'system_error'],
  ])('SQLSTATE %s -> %s', (code, type) => {
    expect(failureTypeOfDestinationError(withCode(code))).toBe(type);
  });

  it.each([
    ['ECONNREFUSED', 'transient_error'],
    ['ECONNRESET', 'transient_error'],
    ['ECONNABORTED', 'transient_error'],
    ['EPIPE', 'transient_error'],
    ['ETIMEDOUT', 'transient_error'],
    ['EHOSTUNREACH', 'transient_error'],
    ['EAI_AGAIN', 'transient_error'],
    ['ENOTFOUND', 'system_error'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'system_error'],
  ])('socket error %s -> %s', (code, type) => {
    expect(failureTypeOfDestinationError(withCode(code))).toBe(type);
  });

  it("reads pg's codeless connection errors as transient, anything else codeless as a bug", () => {
    expect(failureTypeOfDestinationError(new Error('Connection terminated unexpectedly'))).toBe('transient_error');
    expect(failureTypeOfDestinationError(new Error('Client has encountered a connection error and is not queryable'))).toBe('transient_error');
    expect(failureTypeOfDestinationError(new Error('Cannot read properties of undefined'))).toBe('system_error');
    expect(failureTypeOfDestinationError('a string')).toBe('system_error');
  });
});
