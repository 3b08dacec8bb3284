import { describe, expect, it } from 'vitest';
import { SystemError } from '../errors/connector-errors.js';
import { BulkStatusRow, FiRequestResponse, ScheduleResponse, parseResponse } from './finpro-responses.js';

const schedule = (batch_id: unknown) => ({ data: { reference_id: 'r-1', batch_id, status: 'READY', total_records: 2 } });

describe('server identifiers', () => {
  it('keeps a string id and takes a number as its JSON text', () => {
    expect(parseResponse(ScheduleResponse, schedule('B-1'), '/s').data.batch_id).toBe('B-1');
    expect(parseResponse(ScheduleResponse, schedule(12345), '/s').data.batch_id).toBe('12345');
  });

  it('rejects an object, a boolean or an empty id as a system error naming the field', () => {
    for (const bad of [{ id: 1 }, true, '', [1]]) {
      expect(() => parseResponse(ScheduleResponse, schedule(bad), '/v2/schedule/fi/requests')).toThrow(SystemError);
      expect(() => parseResponse(ScheduleResponse, schedule(bad), '/v2/schedule/fi/requests')).toThrow(/data\.batch_id/);
    }
  });

  it('rejects an invented session id (too long, odd characters) before it reaches state', () => {
    for (const bad of ['s'.repeat(2_000_000), 's'.repeat(129), 'a b', 'x\u0000y', '../etc']) {
      expect(() => parseResponse(FiRequestResponse, { data: { sessionId: bad } }, '/fi/request')).toThrow(/data\.sessionId/);
    }
    const ok = 'aB3_-.:' + 'z'.repeat(121);
    expect(parseResponse(FiRequestResponse, { data: { sessionId: ok } }, '/fi/request').data.sessionId).toBe(ok);
  });

  it('checks a bulk row session_id the same way, null still allowed', () => {
    const row = { consent_id: 'c-1', status: 'READY' };
    expect(BulkStatusRow.parse({ ...row, session_id: null }).session_id).toBeNull();
    expect(BulkStatusRow.safeParse({ ...row, session_id: { s: 1 } }).success).toBe(false);
  });
});
