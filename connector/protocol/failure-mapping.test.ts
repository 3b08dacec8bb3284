import { describe, expect, it } from 'vitest';
import { ConfigError, SystemError, TransientError, failureTypeOfHttpStatus } from '../errors/connector-errors.js';
import { toErrorTrace } from './failure-mapping.js';

describe('toErrorTrace', () => {
  it('keeps a config error user-facing: no stack trace', () => {
    const trace = toErrorTrace(new ConfigError('config.batch_size: too big', { internalMessage: 'zod' })).trace;
    expect(trace.type).toBe('ERROR');
    expect(trace.error).toMatchObject({ message: 'config.batch_size: too big', failure_type: 'config_error', internal_message: 'zod' });
    expect(trace.error!.stack_trace).toBeUndefined();
  });

  it('carries the stack and stream of a transient or system error', () => {
    const transient = toErrorTrace(new TransientError('FinPro 503', { stream: 'fi_data', cause: new Error('socket hang up') })).trace.error!;
    expect(transient).toMatchObject({ failure_type: 'transient_error', internal_message: 'Error: socket hang up', stream_descriptor: { name: 'fi_data' } });
    expect(transient.stack_trace).toMatch(/TransientError: FinPro 503\n\s+at /);
    expect(toErrorTrace(new SystemError('bug')).trace.error!.failure_type).toBe('system_error');
  });

  it('turns anything else into a system_error with its stack', () => {
    const error = toErrorTrace(new TypeError('x is undefined')).trace.error!;
    expect(error.failure_type).toBe('system_error');
    expect(error.internal_message).toBe('TypeError: x is undefined');
    expect(error.stack_trace).toMatch(/\n\s+at /);
    expect(toErrorTrace(42).trace.error!.internal_message).toBe('Error: 42');
  });
});

describe('failureTypeOfHttpStatus', () => {
  it.each([
    [401, 'config_error'],
    [403, 'config_error'],
    [408, 'transient_error'],
    [429, 'transient_error'],
    [500, 'transient_error'],
    [503, 'transient_error'],
    [400, 'system_error'],
    [404, 'system_error'],
    [409, 'system_error'],
  ])('%i -> %s', (status, type) => {
    expect(failureTypeOfHttpStatus(status)).toBe(type);
  });
});
