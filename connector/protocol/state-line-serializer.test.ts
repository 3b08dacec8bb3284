import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AirbyteMessage } from './airbyte-message.js';
import { deepFreeze, frozenJson } from './frozen-json.js';
import { StdoutEmitter } from './message-emitter.js';
import { logMessage, recordMessage, streamStateMessage } from './message-factory.js';
import { SecretDetector } from './secret-detector.js';
import { stateJson, stateLine } from './state-line-serializer.js';
import { StateManager } from '../state/state-manager.js';
import type { Base } from '../state/stream-state.js';

const bigBase = (n: number): Base => {
  const exceptions: Record<string, string | null> = {};
  for (let i = 0; i < n; i++) exceptions[`consent-${i}`] = i % 3 === 0 ? null : '2026-01-01T00:00:00.000Z';
  return { id: '2026-03-10T12:00:00.000Z', watermark: '2026-03-09T00:00:00.000Z', exceptions, covered: `${n}:9f3a01c2` };
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('stateLine', () => {
  it('writes exactly what JSON.stringify writes, frozen members or not', () => {
    const frozen = deepFreeze({ ...bigBase(5), exceptions: { 'c"1': null, 'é\n': '2026-01-01T00:00:00.000Z' } });
    const states: Record<string, unknown>[] = [
      { v: 1, cursor: null, seq: 0, base: null },
      { v: 1, cursor: '2026-01-23T10:20:00.000Z', cursor_field: ['updated_at'], seq: 14, base: frozen, sync: { time: 't', batches: [{ ref: 'r' }] } },
      { seq: 1, skipped: undefined, f: () => 1, base: frozen, n: Number.NaN, 2: 'integer keys first' },
      { v: 1, list: deepFreeze([1, { a: 'b' }]), empty: deepFreeze({}) },
    ];
    for (const name of ['fi_data', 'we"ird\\name']) {
      for (const state of states) {
        for (const count of [0, 17]) {
          const message = streamStateMessage(name, state, count);
          expect(stateLine(message)).toBe(JSON.stringify(message));
          expect(stateJson(message.state)).toBe(JSON.stringify(message.state));
        }
      }
    }
  });

  it('leaves any other message or shape to JSON.stringify', () => {
    const state = streamStateMessage('fi_data', { v: 1 }, 1);
    const others: AirbyteMessage[] = [
      logMessage('INFO', 'x'),
      recordMessage('fi_data', { a: 1 }, () => 7),
      { type: 'STATE', state: { type: 'GLOBAL', global: { stream_states: [] } } },
      { ...state, state: { ...state.state, destinationStats: { recordCount: 1 } } },
      { ...state, state: { ...state.state, stream: { ...state.state.stream!, stream_descriptor: { name: 'fi_data', namespace: 'n' } } } },
      { ...state, state: { ...state.state, stream: { ...state.state.stream!, stream_state: { v: 1, x: { toJSON: (key: string) => key } } } } },
      { ...state, state: { ...state.state, stream: { ...state.state.stream!, stream_state: { v: 1, d: new Date(0) } } } },
      { ...state, state: { ...state.state, stream: { ...state.state.stream!, stream_state: Object.create({ inherited: 1 }) as Record<string, unknown> } } },
    ];
    for (const message of others) expect(stateLine(message)).toBeUndefined();
  });

  it('remembers the text only of a value frozen all the way down, with data properties only', () => {
    expect(frozenJson({ a: 1 })).toBeUndefined();
    expect(frozenJson(Object.freeze({ a: { b: 1 } }))).toBeUndefined();
    let calls = 0;
    const getter = Object.freeze(Object.defineProperty({}, 'a', { enumerable: true, get: () => ++calls }));
    expect(frozenJson(getter)).toBeUndefined();
    expect(frozenJson(deepFreeze({ a: { b: [1, 'x'] } }))).toBe('{"a":{"b":[1,"x"]}}');
  });
});

describe('a checkpoint of several streams sharing a base', () => {
  it('serialises the base once, and each stream\'s line still parses to its state', async () => {
    const written: string[] = [];
    const out = new Writable({ write(chunk: Buffer, _encoding, callback) { written.push(chunk.toString()); callback(); } });
    const streams = ['fi_data', 'fi_transactions', 'fi_holdings', 'bulk_batches', 'bulk_batch_rows', 'fi_accounts'] as const;
    const manager = new StateManager(streams, new Map(), new StdoutEmitter(out, new SecretDetector()), () => 0);
    const base = bigBase(2_000);
    const baseChars = JSON.stringify(base).length;
    manager.completeSync({ time: base.id, base_id: null, fingerprint: 'f', chunks: 1, next_chunk: 1, done_chunks: '0', failed_at: '', batches: [] }, base);

    const stringify = JSON.stringify.bind(JSON);
    let chars = 0;
    vi.spyOn(JSON, 'stringify').mockImplementation((...args: Parameters<typeof JSON.stringify>) => {
      const text = stringify(...args);
      chars += text?.length ?? 0;
      return text;
    });
    await manager.checkpoint();
    vi.restoreAllMocks();

    // Once for six streams, not once per stream (the end of a 100,000-consent read: ~1 MB each).
    expect(chars).toBeLessThan(2 * baseChars);
    const lines = written.join('').split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(streams.length);
    for (const [i, line] of lines.entries()) {
      const message = JSON.parse(line) as AirbyteMessage;
      expect(line).toBe(JSON.stringify(message));
      expect(message.type === 'STATE' && message.state.stream?.stream_descriptor.name).toBe(streams[i]);
      expect(message.type === 'STATE' && message.state.stream?.stream_state?.['base']).toEqual(base);
    }
  });
});
