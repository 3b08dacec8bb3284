import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AirbyteMessage } from '../protocol/airbyte-message.js';
import { isPlainRecordMessage, readMessages } from './jsonl-message-reader.js';

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
