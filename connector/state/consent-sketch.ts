import { hash } from 'node:crypto';

/**
 * Which consents of a list a base has not covered, without storing every consent it did.
 * A base covers a consent set S; the next sync brings a list L. Storing S whole would put
 * ~4 MB in every STATE at 100,000 consents. Instead the base keeps an invertible Bloom lookup
 * table of S (Goodrich and Mitzenmacher): cells that XOR together the 64-bit keys of the
 * consents hashed to them, with a checksum. XORing it with the same table of L leaves only
 * the consents in one set and not the other, and those are peeled out one pure cell at a
 * time. Its size follows the number of changes it can resolve (3% of the list here), not the
 * list: ~48 KB of base64 at 100,000 consents. When more changed than it can resolve, the
 * answer is "unknown" and the caller re-reads every consent, as before this table existed.
 *
 * Encoded as `<cells>:<base64 of cells x (key hi, key lo, check) as uint32 LE>`.
 */

const HASHES = 3;
/** Differences a table resolves reliably: about cells / 1.3 with three hashes; 3% of the list, at least 32 per hash. */
function cellsFor(count: number): number {
  return HASHES * Math.max(32, Math.ceil((count * 0.03) / HASHES));
}

interface Key {
  hi: number;
  lo: number;
}

/**
 * The first 8 bytes of the id's SHA-256, as two little-endian words. Every consent of the list
 * is hashed in one synchronous step at the end of a sync: a Hash object and a digest Buffer per
 * consent (native memory, freed only when a GC finds them) added ~27 MiB of RSS at 100,000
 * consents. The one-shot hash as a 'binary' (latin1) string, a char per byte, leaves young-generation garbage only.
 */
function keyOf(consentId: string): Key {
  const d = hash('sha256', consentId, 'binary');
  return {
    hi: (d.charCodeAt(0) | (d.charCodeAt(1) << 8) | (d.charCodeAt(2) << 16) | (d.charCodeAt(3) << 24)) >>> 0,
    lo: (d.charCodeAt(4) | (d.charCodeAt(5) << 8) | (d.charCodeAt(6) << 16) | (d.charCodeAt(7) << 24)) >>> 0,
  };
}

/** A 32-bit mix of a key and a salt (murmur3's finalizer over both halves). */
function mix(key: Key, salt: number): number {
  let h = (key.hi ^ Math.imul(key.lo, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const CHECK_SALT = 0x5eed;

class Table {
  readonly data: Uint32Array;

  constructor(readonly cells: number, data?: Uint32Array) {
    this.data = data ?? new Uint32Array(cells * 3);
  }

  /** The i-th of a key's three distinct cells, one in each third of the table. */
  private cellOf(key: Key, i: number): number {
    const part = this.cells / HASHES;
    return i * part + (mix(key, i) % part);
  }

  /** Three distinct cells, one in each third of the table. */
  private cellsOf(key: Key): number[] {
    return Array.from({ length: HASHES }, (_, i) => this.cellOf(key, i));
  }

  toggle(key: Key): void {
    const check = mix(key, CHECK_SALT);
    for (let i = 0; i < HASHES; i++) {
      const at = this.cellOf(key, i) * 3;
      this.data[at] = this.data[at]! ^ key.hi;
      this.data[at + 1] = this.data[at + 1]! ^ key.lo;
      this.data[at + 2] = this.data[at + 2]! ^ check;
    }
  }

  xor(other: Table): void {
    for (let i = 0; i < this.data.length; i++) this.data[i] = this.data[i]! ^ other.data[i]!;
  }

  /** Peels out every key; undefined when some cells stay mixed (too many differences). */
  peel(): Key[] | undefined {
    const keys: Key[] = [];
    const pending: number[] = Array.from({ length: this.cells }, (_, i) => i);
    // A checksum that matches by chance (1 in 2^32) could keep peeling forever: bound it.
    for (let steps = 0; pending.length > 0; steps++) {
      if (steps > this.cells * 20) return undefined;
      const cell = pending.pop()!;
      const key = { hi: this.data[cell * 3]!, lo: this.data[cell * 3 + 1]! };
      if ((key.hi === 0 && key.lo === 0) || this.data[cell * 3 + 2] !== mix(key, CHECK_SALT)) continue;
      keys.push(key);
      this.toggle(key);
      pending.push(...this.cellsOf(key));
    }
    return this.data.every((word) => word === 0) ? keys : undefined;
  }
}

function tableOf(consents: readonly string[], cells: number): Table {
  const table = new Table(cells);
  for (const id of consents) table.toggle(keyOf(id));
  return table;
}

/** The sketch of a consent set, for `Base.sketch`. */
export function consentSketch(consents: readonly string[]): string {
  const table = tableOf(consents, cellsFor(consents.length));
  return `${table.cells}:${Buffer.from(table.data.buffer, table.data.byteOffset, table.data.byteLength).toString('base64')}`;
}

const SKETCH_PATTERN = /^(\d{1,7}):([A-Za-z0-9+/]*={0,2})$/;

/** Whether `text` is a well-formed sketch (for the state schema). */
export function isConsentSketch(text: string): boolean {
  const match = SKETCH_PATTERN.exec(text);
  if (match === null) return false;
  const cells = Number(match[1]);
  return cells > 0 && cells % HASHES === 0 && Buffer.from(match[2]!, 'base64').length === cells * 12;
}

/**
 * The consents of `consents` that the sketched set does not hold, or undefined when the
 * table cannot tell (more changes than it resolves, or a malformed sketch): then no consent
 * may be trusted to keep its watermark.
 */
export function consentsNotIn(sketch: string, consents: readonly string[]): Set<string> | undefined {
  if (!isConsentSketch(sketch)) return undefined;
  const [cellsText, base64] = sketch.split(':') as [string, string];
  const bytes = Buffer.from(base64, 'base64');
  const data = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < data.length; i++) data[i] = bytes.readUInt32LE(i * 4);
  const table = new Table(Number(cellsText), data);
  table.xor(tableOf(consents, table.cells));
  const differing = table.peel();
  if (differing === undefined) return undefined;
  const wanted = new Set(differing.map((k) => `${k.hi}:${k.lo}`));
  const added = new Set<string>();
  for (const id of consents) {
    const key = keyOf(id);
    if (wanted.has(`${key.hi}:${key.lo}`)) added.add(id);
  }
  return added;
}
