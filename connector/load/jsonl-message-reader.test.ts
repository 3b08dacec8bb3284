import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AirbyteMessage, type MessageOf } from '../protocol/airbyte-message.js';
import { isPlainRecordMessage, rawRecordJson, readMessages } from './jsonl-message-reader.js';

const record = (overrides: Record<string, unknown> = {}) => ({ type: 'RECORD', record: { stream: 'fi_transactions', data: { txn_id: 't1', amount: '1.50' }, emitted_at: 1_700_000_000_000, ...overrides } });

const cases: [string, unknown][] = [
  ['a plain record', record()],
  ['a record with a namespace and extra keys', { ...record({ namespace: 'ns', meta: { x: 1 } }), extra: true }],
  ['a null namespace', record({ namespace: null })],
  ['data as an array', record({ data: [1, 2] })],
  ['data missing', record({ data: undefined })],
  ['a fractional emitted_at', record({ emitted_at: 1.5 })],
  ['an unsafe emitted_at', record({ emitted_at: 2 ** 60 })],
  ['emitted_at as text', record({ emitted_at: '1700000000000' })],
  ['a numeric stream', record({ stream: 7 })],
  ['no record', { type: 'RECORD' }],
  ['a STATE', { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 's' } } } }],
];

describe('isPlainRecordMessage', () => {
  it.each(cases)('never accepts what the zod model rejects: %s', (_, raw) => {
    if (isPlainRecordMessage(raw)) expect(AirbyteMessage.safeParse(raw).success).toBe(true);
  });

  it('takes valid records as parsed, extra keys kept', () => {
    const raw = cases[1]![1];
    expect(isPlainRecordMessage(raw)).toBe(true);
    expect(AirbyteMessage.parse(raw)).toEqual(raw);
  });
});

describe('readMessages', () => {
  it('yields records and other messages alike, and skips a malformed record with zod\'s reason', async () => {
    const lines = [record(), record({ emitted_at: 'soon' }), cases[10]![1]].map((message) => JSON.stringify(message)).join('\n');
    const skipped: string[] = [];
    const messages = [];
    for await (const message of readMessages(Readable.from([lines]), (line, reason) => skipped.push(`${line}: ${reason}`))) messages.push(message);
    expect(messages.map((message) => message.type)).toEqual(['RECORD', 'STATE']);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(/^2: not an Airbyte message/);
  });
});

describe('readMessages with rawRecords', () => {
  const read = async (lines: string[]) => {
    const out: AirbyteMessage[] = [];
    for await (const message of readMessages(Readable.from(lines.map((line) => `${line}\n`)), () => undefined, { rawRecords: true })) out.push(message);
    return out;
  };

  it('hands a record in the usual shape over as its data JSON text, anything else parsed', async () => {
    const plain = JSON.stringify(record({ data: { txn_id: 't1', note: '},"emitted_at":1}}' } }));
    const [raw, namespaced, state, arrayData] = await read([
      plain,
      JSON.stringify(record({ namespace: 'ns' })),
      JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 's' } } } }),
      JSON.stringify(record({ data: [1, 2] })),
    ]);
    expect(raw).toMatchObject({ type: 'RECORD', record: { stream: 'fi_transactions', emitted_at: 1_700_000_000_000 } });
    expect(JSON.parse(rawRecordJson((raw as MessageOf<'RECORD'>).record.data)!)).toEqual({ txn_id: 't1', note: '},"emitted_at":1}}' });
    // Another shape (here a namespace) is parsed as before: its data is real, not a placeholder.
    expect(rawRecordJson((namespaced as MessageOf<'RECORD'>).record.data)).toBeUndefined();
    expect((namespaced as MessageOf<'RECORD'>).record.data).toEqual({ txn_id: 't1', amount: '1.50' });
    expect(state?.type).toBe('STATE');
    // Not a record as AirbyteMessage accepts it: skipped, as without rawRecords.
    expect(arrayData).toBeUndefined();
  });
});
