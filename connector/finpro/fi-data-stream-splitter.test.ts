import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS, startSandbox, type Sandbox } from '../../sandbox/index.js';
import { finproAuthHeaders } from './finpro-headers.js';
import { readyFiSession, sandboxClient } from './test-support/fi-session.js';
import { FiDataStreamError, FiDataStreamSplitter, splitFiDataStream, type FiDataSplit, type FiDataSplitterOptions } from './fi-data-stream-splitter.js';

/**
 * The splitter must give exactly what JSON.parse of the whole body gives, whatever the
 * chunking, and fail (typed, never hanging, never with a partial element) on anything else.
 */

const ROOMY: FiDataSplitterOptions = { maxElementBytes: 1 << 30, maxEnvelopeBytes: 1 << 30 };
/** Always the byte scanner (small answers otherwise take the whole-parse path). */
const SCAN: FiDataSplitterOptions = { ...ROOMY, wholeBelowBytes: 0 };
/** Either path, by size: answers of a few hundred bytes go either way. */
const MIXED: FiDataSplitterOptions = { ...ROOMY, wholeBelowBytes: 200 };
const PATHS = { scan: SCAN, whole: ROOMY, mixed: MIXED };

/** Runs the synchronous core over `body` cut at `cuts`; returns the elements and the result or the error. */
function split(body: Buffer, cuts: number[], options: FiDataSplitterOptions = SCAN): { elements: unknown[]; result?: FiDataSplit; error?: unknown } {
  const splitter = new FiDataStreamSplitter(options);
  const elements: unknown[] = [];
  try {
    for (const chunk of chunksOf(body, cuts)) {
      splitter.write(chunk);
      for (let e = splitter.readElement(); e !== null; e = splitter.readElement()) elements.push(e.value);
    }
    splitter.end();
    for (let e = splitter.readElement(); e !== null; e = splitter.readElement()) elements.push(e.value);
    // Reading past the end is harmless.
    expect(splitter.readElement()).toBeNull();
    return { elements, result: splitter.result() };
  } catch (error) {
    return { elements, error };
  }
}

/** `body` cut at the given offsets; each chunk a copy, as a network read would give. */
function chunksOf(body: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (body.length === 0 ? 0 : c % (body.length + 1))))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, body.length]) {
    if (p < from) continue;
    chunks.push(Buffer.from(body.subarray(from, p)));
    from = p;
  }
  return chunks;
}

function everyByte(body: Buffer): number[] {
  return Array.from({ length: body.length }, (_, i) => i);
}

/** What the splitter must give for a body JSON.parse accepts. */
function expected(body: Buffer): { envelope: unknown; elements: unknown[]; data: FiDataSplit['data'] } {
  const whole = JSON.parse(body.toString('utf8')) as unknown;
  if (typeof whole !== 'object' || whole === null || Array.isArray(whole) || !Object.prototype.hasOwnProperty.call(whole, 'data')) {
    return { envelope: whole, elements: [], data: 'absent' };
  }
  const object = whole as Record<string, unknown>;
  const data = object['data'];
  if (!Array.isArray(data)) return { envelope: whole, elements: [], data: 'not-array' };
  object['data'] = [];
  return { envelope: object, elements: data, data: 'array' };
}

/** A tiny seeded generator, so whitespace and escapes vary per run yet shrink with the seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/**
 * JSON text of `value` with random whitespace between tokens and random (valid) escapes in
 * strings: \uXXXX for any character, \/ for '/', surrogate pairs as two \u escapes.
 */
function serialize(value: unknown, r: () => number): string {
  const ws = (): string => (r() < 0.25 ? [' ', '\n', '\t', '\r\n  ', '   '][Math.floor(r() * 5)]! : '');
  const str = (s: string): string => {
    let out = '"';
    for (const cp of s) {
      const unit = cp.charCodeAt(0);
      if (cp === '"') out += '\\"';
      else if (cp === '\\') out += '\\\\';
      else if (unit < 0x20 || (cp.length === 1 && unit >= 0xd800 && unit <= 0xdfff) || r() < 0.08) {
        for (let k = 0; k < cp.length; k++) out += '\\u' + cp.charCodeAt(k).toString(16).padStart(4, '0');
      } else if (cp === '/' && r() < 0.5) out += '\\/';
      else out += cp;
    }
    return out + '"';
  };
  const go = (v: unknown): string => {
    if (typeof v === 'string') return str(v);
    if (typeof v !== 'object' || v === null) return JSON.stringify(v);
    if (Array.isArray(v)) return '[' + ws() + v.map((x) => go(x)).join(ws() + ',' + ws()) + ws() + ']';
    return '{' + ws() + Object.entries(v).map(([k, x]) => str(k) + ws() + ':' + ws() + go(x)).join(ws() + ',' + ws()) + ws() + '}';
  };
  return ws() + go(value) + ws();
}

// Strings rich in what breaks scanners: quotes, backslashes, brackets, multi-byte UTF-8.
const unit = fc.oneof(
  fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', '/', 'é', '€', '𝄞', '\u0000', '\n', 'a', 'data', '\u2028'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const jsonValue = fc.jsonValue({ stringUnit: unit, maxDepth: 4 });
const ABSENT = Symbol('absent');

/** An answer-like object: envelope fields, and `data` (an array, another value, or absent) at a random place. */
const answer = fc
  .record({
    fields: fc.dictionary(fc.string({ unit }).filter((k) => k !== 'data' && k !== '__proto__'), jsonValue, { maxKeys: 5 }),
    data: fc.oneof(fc.array(jsonValue, { maxLength: 8 }), jsonValue, fc.constant(ABSENT)),
    at: fc.nat(),
  })
  .map(({ fields, data, at }) => {
    const entries = Object.entries(fields);
    if (data !== ABSENT) entries.splice(at % (entries.length + 1), 0, ['data', data]);
    return Object.fromEntries(entries) as unknown;
  });

const document = fc.tuple(fc.oneof({ weight: 4, arbitrary: answer }, { weight: 1, arbitrary: jsonValue }), fc.integer()).map(([value, seed]) => Buffer.from(serialize(value, rng(seed)), 'utf8'));
const cuts = fc.array(fc.nat(), { maxLength: 40 });

function expectSameAsWholeParse(body: Buffer, cutsAt: number[], options: FiDataSplitterOptions = SCAN): void {
  const want = expected(body);
  const got = split(body, cutsAt, options);
  expect(got.error).toBeUndefined();
  expect(got.elements).toEqual(want.elements);
  expect(got.result?.envelope).toEqual(want.envelope);
  expect(got.result?.data).toBe(want.data);
  expect(got.result?.elements).toBe(want.elements.length);
  expect(got.result?.bytes).toBe(body.length);
}

describe.each(Object.entries(PATHS))('FI data stream splitter (%s path): exactness and rejection', (_, options) => {
  it('gives what JSON.parse of the whole gives, for any JSON and any chunking', () => {
    fc.assert(
      fc.property(document, cuts, (body, cutsAt) => expectSameAsWholeParse(body, cutsAt, options)),
      { numRuns: 1000 },
    );
  });

  it('gives the same when every byte is its own chunk (every multi-byte character split)', () => {
    fc.assert(
      fc.property(document, (body) => expectSameAsWholeParse(body, everyByte(body), options)),
      { numRuns: 200 },
    );
  });

  it('rejects a truncated body at any cut, handing out only complete elements it had', () => {
    fc.assert(
      fc.property(answer, fc.integer(), fc.nat(), cuts, (value, seed, at, cutsAt) => {
        const body = Buffer.from(serialize(value, rng(seed)).trimEnd(), 'utf8');
        const prefix = body.subarray(0, at % body.length);
        const want = expected(body).elements;
        const got = split(prefix, cutsAt, options);
        expect(got.error).toBeInstanceOf(FiDataStreamError);
        expect((got.error as FiDataStreamError).kind).toBe('truncated');
        expect(got.elements).toEqual(want.slice(0, got.elements.length));
      }),
      { numRuns: 700 },
    );
  });

  it('rejects exactly the bodies JSON.parse rejects (one byte changed anywhere)', () => {
    const bytes = fc.constantFrom(...Buffer.from('"\\{}[],: \nax0-e.'), 0xc3, 0xff, 0x80);
    fc.assert(
      fc.property(document, fc.nat(), bytes, cuts, (body, at, byte, cutsAt) => {
        const mutated = Buffer.from(body);
        if (mutated.length > 0) mutated[at % mutated.length] = byte;
        let valid = true;
        try {
          JSON.parse(mutated.toString('utf8'));
        } catch {
          valid = false;
        }
        const got = split(mutated, cutsAt, options);
        if (valid) {
          // The one valid input the splitter refuses: a second top-level data key.
          if (got.error instanceof FiDataStreamError && got.error.kind === 'duplicate-data') return;
          expectSameAsWholeParse(mutated, cutsAt, options);
        } else {
          expect(got.error).toBeInstanceOf(FiDataStreamError);
          expect(['invalid', 'truncated']).toContain((got.error as FiDataStreamError).kind);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects a second top-level data key (JSON.parse would keep the last; its first elements are already out)', () => {
    const got = split(Buffer.from('{"data":[1,2],"ver":"2.0","data":[3]}'), [], options);
    expect(got.elements).toEqual([1, 2]);
    expect((got.error as FiDataStreamError).kind).toBe('duplicate-data');
    expect((got.error as FiDataStreamError).offset).toBe(33);
    expect((split(Buffer.from('{"data":{},"d\\u0061ta":[3]}'), [], options).error as FiDataStreamError).kind).toBe('duplicate-data');
    // Nested data keys are ordinary.
    expect(split(Buffer.from('{"data":[{"data":1,"data":2}],"x":{"data":[]}}'), [], options).elements).toEqual([{ data: 2 }]);
    expect(split(Buffer.from('{"x":"data \\u00e9","data":[1]}'), [], options).elements).toEqual([1]);
  });
});

describe('FI data stream splitter: shapes', () => {
  it('splits a FinPro-shaped answer into its accounts and keeps the envelope', () => {
    const accounts = [
      { linkReferenceNumber: 'l1', maskedAccountNumber: 'XX1234', fiType: 'DEPOSIT', bank: 'Bänk ₹', fipId: 'f', profile: { holders: { holder: [{ name: 'A "B" \\ C' }] } }, summary: { currentBalance: '10.50' }, transactions: [{ txnId: 't1', amount: '1.00', narration: 'UPI/𝄞/[x]' }] },
      { linkReferenceNumber: 'l2', maskedAccountNumber: 'XX9999', fiType: 'DEPOSIT', bank: 'b', fipId: 'g', profile: {}, summary: {}, transactions: [] },
    ];
    const body = Buffer.from(JSON.stringify({ ver: '2.0', status: 'success', timestamp: '2026-01-01T00:00:00.000Z', sessionId: 's-1', data: accounts }, null, 2));
    for (const size of [1, 2, 3, 7, 64, body.length]) {
      const got = split(body, Array.from({ length: Math.ceil(body.length / size) }, (_, k) => k * size));
      expect(got.elements).toEqual(accounts);
      expect(got.result).toEqual({ envelope: { ver: '2.0', status: 'success', timestamp: '2026-01-01T00:00:00.000Z', sessionId: 's-1', data: [] }, data: 'array', elements: 2, bytes: body.length });
    }
  });

  it('keeps a data that is not an array in the envelope and hands out nothing', () => {
    for (const data of ['{"a":[1,2]}', 'null', '"x"', '7', '{}']) {
      const got = split(Buffer.from(`{"ver":"2.0","data":${data},"errorCode":"E"}`), [5, 13]);
      expect(got.elements).toEqual([]);
      expect(got.result?.data).toBe('not-array');
      expect(got.result?.envelope).toEqual({ ver: '2.0', data: JSON.parse(data) as unknown, errorCode: 'E' });
    }
  });

  it('reports an error envelope (no data) as absent', () => {
    const got = split(Buffer.from('{"ver":"2.0","timestamp":"t","errorCode":"NoDataAvailable","errorMsg":"none"}'), [3]);
    expect(got.result).toEqual({ envelope: { ver: '2.0', timestamp: 't', errorCode: 'NoDataAvailable', errorMsg: 'none' }, data: 'absent', elements: 0, bytes: 77 });
  });

  it('recognises data spelled with escapes, as JSON.parse does', () => {
    const got = split(Buffer.from('{"d\\u0061ta":[{"a":1},2]}'), [4, 5, 6]);
    expect(got.elements).toEqual([{ a: 1 }, 2]);
    expect(got.result?.envelope).toEqual({ data: [] });
  });
});

describe('FI data stream splitter: rejection', () => {
  function expectError(body: string | Buffer, kind: FiDataStreamError['kind'], cutsAt: number[] = [], options: FiDataSplitterOptions = ROOMY): FiDataStreamError {
    const got = split(typeof body === 'string' ? Buffer.from(body) : body, cutsAt, options);
    expect(got.error).toBeInstanceOf(FiDataStreamError);
    const error = got.error as FiDataStreamError;
    expect(error.kind).toBe(kind);
    return error;
  }

  it('names what is wrong and the byte offset', () => {
    const error = expectError('{"ver":"2.0","data":[{"a":1} {"b":2}]}', 'invalid', [10, 30]);
    expect(error.offset).toBe(29);
    expect(error.message).toContain('at byte 29');
    expect(error.message).toContain("',' or ']' after an element of data");

    const bad = expectError('{"data":[{"a":1},{"b":tru}]}', 'invalid', [20]);
    expect(bad.offset).toBe(17);
    expect(bad.message).toContain('Element 1');

    expect(expectError('{"data":[1,]}', 'invalid').message).toContain('an element of data');
    expect(expectError('', 'truncated').message).toContain('before any JSON value');
    expect(expectError('{"data":[{"a":"}', 'truncated').message).toContain('after 0 complete element(s)');
    expect(expectError('{"a":1}{', 'invalid').offset).toBe(7);
    expectError('{"a":{"b" 1}}', 'invalid');
    expectError('\ufeff{"data":[]}', 'invalid');
  });

  it('bounds one element by bytes, whatever the chunking', () => {
    const body = Buffer.from('{"data":[{"a":"xyz"},"12345678",{"a":"xyzw"}]}');
    for (const cutsAt of [[], everyByte(body), [12, 30]]) {
      const got = split(body, cutsAt, { maxElementBytes: 11 });
      expect(got.elements).toEqual([{ a: 'xyz' }, '12345678']);
      const error = got.error as FiDataStreamError;
      expect(error.kind).toBe('element-too-large');
      expect(error.offset).toBe(32);
      expect(error.message).toContain('Element 2');
      expect(error.message).toContain('over 11 bytes');
    }
  });

  it('bounds the envelope by bytes', () => {
    const body = Buffer.from(`{"ver":"2.0","note":"${'x'.repeat(100)}","data":[1]}`);
    expect(split(body, [50], { maxElementBytes: 10, maxEnvelopeBytes: 140 }).result?.elements).toBe(1);
    const error = expectError(body, 'envelope-too-large', [50], { maxElementBytes: 10, maxEnvelopeBytes: 100 });
    expect(error.message).toContain('over 100 bytes');
  });

  it('stays failed after an error', () => {
    const splitter = new FiDataStreamSplitter(SCAN);
    splitter.write(Buffer.from('{"data":[1 2]}'));
    expect(splitter.readElement()).toEqual({ value: 1 });
    expect(() => splitter.readElement()).toThrow(FiDataStreamError);
    expect(() => splitter.readElement()).toThrow(FiDataStreamError);
    expect(() => splitter.end()).toThrow(FiDataStreamError);
  });
});

describe('FI data stream splitter over a real /getallfidata answer', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ consents: 20, speed: 1000, seed: 73, rateLimit: { limit: 100_000, windowMs: 60_000 } });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it.each([
    ['scan', 0],
    ['whole', undefined],
  ])('hands out the accounts of a streamed answer, one at a time, equal to a whole parse (%s path)', async (_, wholeBelowBytes) => {
    const consentId = sandbox.consents('ACTIVE')[0]!.id;
    const sessionId = await readyFiSession(sandboxClient(sandbox), consentId);

    const response = await fetch(new URL('/getallfidata', sandbox.url), {
      method: 'POST',
      headers: { ...finproAuthHeaders(SANDBOX_CREDENTIALS), 'Content-Type': 'application/json' },
      body: JSON.stringify({ consentID: consentId, sessionId }),
    });
    expect(response.status).toBe(200);
    const seen: Uint8Array[] = [];
    async function* tee(): AsyncGenerator<Uint8Array> {
      for await (const chunk of response.body!) {
        seen.push(chunk);
        yield chunk;
      }
    }
    const accounts: unknown[] = [];
    let busy = false;
    const result = await splitFiDataStream(
      tee(),
      async (account, index) => {
        // Backpressure: the next element comes only after this one's promise settles.
        expect(busy).toBe(false);
        expect(index).toBe(accounts.length);
        busy = true;
        await new Promise((r) => setImmediate(r));
        accounts.push(account);
        busy = false;
      },
      { maxElementBytes: 16 * 1024 * 1024, ...(wholeBelowBytes !== undefined ? { wholeBelowBytes } : {}) },
    );
    const whole = expected(Buffer.concat(seen));
    expect(whole.elements.length).toBeGreaterThan(0);
    expect(accounts).toEqual(whole.elements);
    expect(result.envelope).toEqual(whole.envelope);
    expect(result).toMatchObject({ data: 'array', elements: whole.elements.length, bytes: Buffer.concat(seen).length });
    expect(result.envelope).toMatchObject({ status: 'success', sessionId });
  });

  it('closes the source when the callback throws', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield Buffer.from('{"data":[1,');
        yield Buffer.from('2,3]}');
      } finally {
        closed = true;
      }
    }
    await expect(
      splitFiDataStream(source(), () => {
        throw new Error('stop');
      }, SCAN),
    ).rejects.toThrow('stop');
    expect(closed).toBe(true);
  });
});
