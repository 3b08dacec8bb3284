import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { countMessagesInFile, RecordCounter } from './record-counter.js';

async function count(chunks: string[]) {
  const counter = new RecordCounter();
  await pipeline(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), counter);
  return counter.counts;
}

const record = (stream: string, data: unknown = { a: 1 }) => JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: 1 } });

describe('RecordCounter', () => {
  it('counts records by stream across chunk boundaries that split lines anywhere', async () => {
    const text = [record('fi_transactions'), record('fi_transactions', { s: 'é\n"' }), record('fi_accounts'), ''].join('\n');
    for (const cut of [1, 7, 40, text.length - 2]) {
      const counts = await count([text.slice(0, cut), text.slice(cut)]);
      expect(counts.records).toEqual({ fi_transactions: 2, fi_accounts: 1 });
      expect(counts.totalRecords).toBe(3);
      expect(counts.bytes).toBe(Buffer.byteLength(text));
    }
  });

  it('counts a last line without a newline, states, and keeps error traces', async () => {
    const lines = [
      JSON.stringify({ type: 'STATE', state: { type: 'STREAM' } }),
      JSON.stringify({ type: 'TRACE', trace: { type: 'ERROR', error: { message: 'boom', failure_type: 'system_error' } } }),
      JSON.stringify({ type: 'TRACE', trace: { type: 'ESTIMATE' } }),
      JSON.stringify({ record: { stream: 'bulk_batches' }, type: 'RECORD' }),
      record('bulk_batch_rows'),
    ];
    const counts = await count([lines.join('\n')]);
    expect(counts.states).toBe(1);
    expect(counts.traces).toEqual({ ERROR: 1, ESTIMATE: 1 });
    expect(counts.errors).toEqual(['boom']);
    expect(counts.records).toEqual({ bulk_batches: 1, bulk_batch_rows: 1 });
  });

  it('reports a line that is not JSON instead of dropping it', async () => {
    const counts = await count(['oops\n']);
    expect(counts.errors[0]).toMatch(/not JSON on stdout: oops/);
  });
});

describe('countMessagesInFile', () => {
  it('counts a captured stdout file larger than one read chunk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-counter-'));
    const path = join(dir, 'out.jsonl');
    const big = 'x'.repeat(3000);
    const lines = Array.from({ length: 1000 }, (_, i) => record(i % 2 === 0 ? 'fi_transactions' : 'fi_data', { big }));
    await writeFile(path, `${lines.join('\n')}\n`);
    const counts = await countMessagesInFile(path);
    expect(counts.records).toEqual({ fi_transactions: 500, fi_data: 500 });
    expect(counts.lines).toBe(1000);
  });
});
