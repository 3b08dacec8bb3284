import { describe, expect, it } from 'vitest';
import { DEFAULT_PERSONAL_FIELDS, type PersonalData } from '../config.js';
import { CollectingSink } from '../protocol/message-emitter.js';
import { StateManager } from '../state/state-manager.js';
import { loadStreamSchema } from '../streams/schema-reader.js';
import { STREAM_NAMES } from '../streams/stream-registry.js';
import { dataExpiresAt, finproExpiryMs } from './data-expiry.js';
import { FiRecordOutlet } from './fi-record-outlet.js';

const FETCHED = Date.parse('2026-03-10T12:00:00.000Z');
const keep: PersonalData = { mode: 'keep', fields: DEFAULT_PERSONAL_FIELDS };

function outlet(config: { personal_data: PersonalData; data_life_days?: number }) {
  const sink = new CollectingSink();
  const state = new StateManager(['bulk_batches', 'fi_data', 'fi_accounts', 'fi_transactions'], new Map(), sink, () => 0);
  const records = () => sink.messages.flatMap((m) => (m.type === 'RECORD' ? [{ stream: m.record.stream, data: m.record.data as Record<string, unknown> }] : []));
  return { out: new FiRecordOutlet(state, config), records };
}

describe('dataExpiresAt', () => {
  it('is the fetch time plus the data life, FinPro\'s expiry when earlier, null when neither is known', () => {
    expect(dataExpiresAt(FETCHED, 30, undefined)).toBe('2026-04-09T12:00:00.000Z');
    expect(dataExpiresAt(FETCHED, 0.5, undefined)).toBe('2026-03-11T00:00:00.000Z');
    expect(dataExpiresAt(FETCHED, 30, Date.parse('2026-03-20T00:00:00Z'))).toBe('2026-03-20T00:00:00.000Z');
    expect(dataExpiresAt(FETCHED, 1, Date.parse('2026-03-20T00:00:00Z'))).toBe('2026-03-11T12:00:00.000Z');
    expect(dataExpiresAt(FETCHED, undefined, Date.parse('2026-03-20T00:00:00Z'))).toBe('2026-03-20T00:00:00.000Z');
    expect(dataExpiresAt(FETCHED, undefined, undefined)).toBeNull();
  });

  it('reads FinPro\'s dataExpiry with any offset, or none as UTC', () => {
    expect(finproExpiryMs('2026-03-20T05:30:00+05:30')).toBe(Date.parse('2026-03-20T00:00:00Z'));
    expect(finproExpiryMs('2026-03-20T00:00:00')).toBe(Date.parse('2026-03-20T00:00:00Z'));
    expect(finproExpiryMs('2026-03-20T00:00:00.000Z')).toBe(Date.parse('2026-03-20T00:00:00Z'));
    expect(finproExpiryMs('')).toBeUndefined();
    expect(finproExpiryMs('soon')).toBeUndefined();
    expect(finproExpiryMs(null)).toBeUndefined();
  });
});

describe('FiRecordOutlet', () => {
  it('stamps data_expires_at on every fi_* record and leaves other streams alone', () => {
    const { out, records } = outlet({ personal_data: keep, data_life_days: 30 });
    expect(out.emit('bulk_batches', { batch_id: 'b1' }, FETCHED)).toBeUndefined();
    expect(out.emit('fi_data', { session_id: 's1', data: { x: 1 } }, FETCHED)).toBeUndefined();
    expect(out.emit('fi_transactions', { session_id: 's1', txn_id: 't' }, FETCHED)).toBeUndefined();
    expect(records()).toEqual([
      { stream: 'bulk_batches', data: { batch_id: 'b1' } },
      { stream: 'fi_data', data: { session_id: 's1', data: { x: 1 }, data_expires_at: '2026-04-09T12:00:00.000Z' } },
      { stream: 'fi_transactions', data: { session_id: 's1', txn_id: 't', data_expires_at: '2026-04-09T12:00:00.000Z' } },
    ]);
  });

  it('uses FinPro\'s dataExpiry of a session where it gave one; leaves data_expires_at out (null) without data life or dataExpiry', () => {
    const { out, records } = outlet({ personal_data: keep });
    out.noteSessionExpiry('s1', '2026-03-20T05:30:00+05:30');
    expect(out.emit('fi_accounts', { session_id: 's1' }, FETCHED)).toBeUndefined();
    expect(out.emit('fi_accounts', { session_id: 's2' }, FETCHED)).toBeUndefined();
    expect(records().map((r) => ('data_expires_at' in r.data ? r.data['data_expires_at'] : 'absent'))).toEqual(['2026-03-20T00:00:00.000Z', 'absent']);
  });

  it('applies the personal-data policy to every fi_* stream, a new one included, and to no other', () => {
    const { out, records } = outlet({ personal_data: { mode: 'drop', fields: ['pan', 'folioNo'] } });
    expect(out.emit('bulk_batches', { pan: 'keep-me' }, FETCHED)).toBeUndefined();
    expect(out.emit('fi_future' as 'fi_data', { session_id: 's', folio_no: 'F1', holders: [{ pan: 'P' }] }, FETCHED)).toBeUndefined();
    expect(records()).toEqual([
      { stream: 'bulk_batches', data: { pan: 'keep-me' } },
      { stream: 'fi_future', data: { session_id: 's', folio_no: null, holders: [{}] } },
    ]);
  });
});

describe('FI stream schemas', () => {
  it('every fi_* stream declares data_expires_at, as the outlet stamps it on all of them and purge deletes by it', () => {
    const fiStreams = STREAM_NAMES.filter((name) => name.startsWith('fi_'));
    expect(fiStreams.length).toBeGreaterThanOrEqual(3);
    for (const stream of fiStreams) {
      const property = (loadStreamSchema(stream)['properties'] as Record<string, Record<string, unknown>>)['data_expires_at'];
      expect(property, stream).toMatchObject({ type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' });
    }
  });
});
