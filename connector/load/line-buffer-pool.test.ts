import { describe, expect, it } from 'vitest';
import { LineBuffer, LineBufferPool, type LineChunk } from './line-buffer-pool.js';

const text = (chunks: readonly LineChunk[]) => chunks.map((c) => c.chunk.toString('utf8')).join('');

describe('LineBuffer', () => {
  it('keeps lines in order across full buffers, a line longer than a buffer as a chunk of its own', () => {
    const pool = new LineBufferPool(64);
    const lines = new LineBuffer(pool);
    const written = ['a'.repeat(10), 'é'.repeat(5), 'b'.repeat(15), 'c'.repeat(40), 'd\n'];
    const bytes = written.map((line) => lines.add(line));
    expect(bytes).toEqual([10, 10, 15, 40, 2]);
    // 'b' x 15 may take 45 bytes: a new buffer after the first 20. 'c' x 40 may take 120: on its own.
    expect(lines.hasFull).toBe(true);
    const full = lines.takeFull();
    expect(full.map((c) => c.chunk.length)).toEqual([20, 15, 40]);
    expect(lines.hasFull).toBe(false);
    const rest = lines.takeChunks();
    expect(rest.map((c) => c.chunk.length)).toEqual([2]);
    expect(text([...full, ...rest])).toBe(written.join(''));
    expect(lines.takeChunks()).toEqual([]);
  });

  it('hands a buffer back to the pool once its chunk is released, never a chunk of its own', () => {
    // 8 KiB and more: Buffer.allocUnsafe gives each buffer its own memory, not a slice of a shared slab.
    const pool = new LineBufferPool(8192, 4);
    const lines = new LineBuffer(pool);
    lines.add('x'.repeat(8));
    lines.add('y'.repeat(3000));
    const [first, long] = lines.takeChunks();
    first!.release();
    long!.release();
    // The released buffer is the next one taken; the long line's Buffer.from never joins the pool.
    expect(pool.take().buffer).toBe(first!.chunk.buffer);
    expect(pool.take().buffer).not.toBe(long!.chunk.buffer);
  });
});
