import { describe, expect, it } from 'vitest';
import type { AirbyteMessage } from './airbyte-message.js';
import { logMessage, recordMessage, streamStateMessage } from './message-factory.js';
import { recordLine } from './record-line-serializer.js';

describe('recordLine', () => {
  it('writes exactly what JSON.stringify writes for the factory\'s records', () => {
    const data = { session_id: 's"1', amount: '1.50', extra: { a: [1, null, 'é\n'] }, none: null, skipped: undefined, n: 0.1 + 0.2 };
    for (const stream of ['fi_transactions', 'fi_data', 'we"ird\\name']) {
      for (const now of [0, 1_796_154_885_804, -5]) {
        const message = recordMessage(stream, data, () => now);
        expect(recordLine(message)).toBe(JSON.stringify(message));
      }
    }
  });

  it('leaves any other message or shape to JSON.stringify', () => {
    const base = recordMessage('fi_transactions', { a: 1 }, () => 7);
    const others: AirbyteMessage[] = [
      logMessage('INFO', 'x'),
      streamStateMessage('fi_transactions', { cursor: 'c' }, 1),
      { ...base, record: { ...base.record, namespace: 'ns' } },
      { type: 'RECORD', record: { data: { a: 1 }, stream: 'fi_transactions', emitted_at: 7 } },
      { ...base, extra: true } as AirbyteMessage,
      { type: 'RECORD', record: Object.assign(Object.create({ toJSON: () => 'other' }) as object, base.record) } as AirbyteMessage,
    ];
    for (const message of others) expect(recordLine(message)).toBeUndefined();
  });

  it('writes a non-finite emitted_at as JSON does (null)', () => {
    const message = recordMessage('fi_transactions', { a: 1 }, () => Number.NaN);
    expect(recordLine(message)).toBe(JSON.stringify(message));
  });
});
