/**
 * Splits a `/getallfidata` answer, read as byte chunks, into the elements of its top-level
 * `data` array (each handed out as soon as it is complete; in an answer under 64 KiB, once
 * the whole is parsed, see FiDataStreamSplitter) and the rest of the answer (the
 * "envelope": ver, status, sessionId, errorCode...), so memory is bounded by the largest
 * account instead of the whole answer (issue 4).
 *
 * Why this shape: a JavaScript tokenizer that builds values does per-token work V8's
 * JSON.parse does in C++, several times its CPU. Here JavaScript only walks bytes (depth,
 * in-string, escape) to find where each element ends; the element's bytes are then decoded
 * and JSON.parsed natively. UTF-8 is decoded per element, never per chunk, so a multi-byte
 * character split across chunks round-trips.
 *
 * Exactness: for valid JSON and any chunking, `envelope` deep-equals JSON.parse of the whole
 * body with a `data` array replaced by `[]`, and the elements equal that array's items, in
 * order. Invalid or truncated input throws FiDataStreamError; no element is handed out
 * unless its bytes form a complete value that JSON.parse accepted. Elements handed out
 * before an error (a truncated body) are complete, but the answer as a whole is not: the
 * caller decides what that means for what it already emitted.
 *
 * One deliberate difference from JSON.parse: a top-level `data` key that appears twice is an
 * error ('duplicate-data'). JSON.parse keeps the last one, but by the time the second one is
 * read the first one's elements have been handed out, and no server in contract sends it.
 * Other duplicate keys behave as in JSON.parse (the envelope and each element are parsed by it).
 */

export type FiDataStreamErrorKind =
  /** The body ended before the JSON did (empty body included): possibly a cut connection. */
  | 'truncated'
  /** Not JSON. */
  | 'invalid'
  /** One element of `data` is over `maxElementBytes`. */
  | 'element-too-large'
  /** The answer outside `data`'s elements is over `maxEnvelopeBytes`. */
  | 'envelope-too-large'
  /** The top-level object has `data` twice (see above). */
  | 'duplicate-data';

export class FiDataStreamError extends Error {
  constructor(
    readonly kind: FiDataStreamErrorKind,
    message: string,
    /** Byte offset in the body where the problem was seen. */
    readonly offset: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FiDataStreamError';
  }
}

export interface FiDataSplitterOptions {
  /** An element of `data` over this many bytes (of JSON text) is an error. */
  maxElementBytes: number;
  /** The answer outside `data`'s elements over this many bytes is an error. Default 1 MiB. */
  maxEnvelopeBytes?: number;
  /**
   * An answer that ends within this many bytes is JSON.parsed whole (see the class).
   * Default 64 KiB; never more than the two bounds above; 0 always scans.
   */
  wholeBelowBytes?: number;
}

export interface FiDataSplit {
  /**
   * JSON.parse of the body, with the value of a top-level `data` array replaced by `[]`.
   * Any JSON value: a body that is not an object comes back as JSON.parse gives it.
   */
  envelope: unknown;
  /**
   * 'array': `data` was an array (its items were handed out; envelope.data is `[]`).
   * 'not-array': `data` was another value, kept in the envelope; nothing was handed out.
   * 'absent': no top-level `data` key, or the body is not an object.
   */
  data: 'array' | 'not-array' | 'absent';
  /** Elements handed out. */
  elements: number;
  /** Bytes read. */
  bytes: number;
}

export const DEFAULT_MAX_ENVELOPE_BYTES = 1024 * 1024;
/**
 * Below this an answer is parsed whole. Measured (bench/micro/fi-data-split-bench.ts): at
 * 28 KB scanning costs +50% over a whole parse; from ~110 KB up splitting is as fast or
 * faster, as a whole parse then pays for one large string (~0.75x at 0.5 MB, ~0.5x at 3 MB).
 */
export const DEFAULT_WHOLE_BELOW_BYTES = 64 * 1024;

// Bytes.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

// Where the scanner is. Only the value states run per byte of the bulk of the answer.
const enum S {
  BeforeRoot,
  /** The body is not an object: all of it is the envelope, parsed at the end. */
  RootOther,
  /** After `{`: a key or `}`. */
  KeyOrEnd,
  /** After `,` in the top-level object: a key. */
  Key,
  /** Inside a top-level key string. */
  InKey,
  Colon,
  /** After `:`: a top-level value. */
  Value,
  /** Scanning a top-level value other than a `data` array (it stays in the envelope). */
  EnvelopeValue,
  AfterValue,
  /** After `data`'s `[`: an element or `]`. */
  FirstElement,
  /** After `,` in `data`: an element. */
  NextElement,
  /** Scanning an element of `data`. */
  Element,
  AfterElement,
  AfterRoot,
  Failed,
}

// What kind of value is being scanned.
const enum V {
  Container,
  String,
  /** A number, true, false or null: it ends at a delimiter, which is not part of it. */
  Literal,
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isValueStart(c: number): boolean {
  return c === OPEN_BRACE || c === OPEN_BRACKET || c === QUOTE || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;
}

function isDelimiter(c: number): boolean {
  return c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || isWhitespace(c);
}

function describeByte(c: number): string {
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

const NO_CHUNK = Buffer.alloc(0);

/**
 * The push/pull core, synchronous so that a caller can await between elements
 * (backpressure) without the splitter holding more than one:
 *
 *   for each chunk: write(chunk); readElement() until it returns null
 *   then:           end();        readElement() until it returns null;  result()
 *
 * Holds at most: the current chunk, the bytes of the element being read (copied out of
 * earlier chunks), the envelope's bytes and the current top-level key.
 *
 * Small answers: until more than `wholeBelowBytes` have arrived, chunks are only kept. An
 * answer that ends by then is JSON.parsed whole, which is today's cost and nothing more
 * (the byte scan would add half to it); its elements are handed out after end(). A body
 * JSON.parse rejects, or one that might carry `data` twice, is replayed through the scanner
 * instead, so results, errors and the elements handed out before an error are the same
 * either way. As the threshold is never over the element and envelope bounds, no bound can
 * be missed by not scanning.
 */
export class FiDataStreamSplitter {
  private readonly maxElementBytes: number;
  private readonly maxEnvelopeBytes: number;

  private state: S = S.BeforeRoot;
  private failure: FiDataStreamError | undefined;
  private ended = false;
  private outcome: FiDataSplit | undefined;

  // Small-answer path: chunks kept while the body is under wholeBelow bytes; then, if it
  // ended there and parsed, the elements to hand out.
  private readonly wholeBelow: number;
  private buffering: boolean;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private parsed: unknown[] = [];
  private parsedNext = 0;

  private buf: Buffer = NO_CHUNK;
  private pos = 0;
  /** buf was used up and what must outlive it copied. */
  private bufDone = true;
  /** Body offset of buf[0]. */
  private base = 0;

  // The value being scanned (an element or a top-level envelope value).
  private valueKind: V = V.Container;
  private depth = 0;
  private inString = false;
  private escape = false;

  // The element being read: bytes copied from earlier chunks, then buf[elementStart..].
  private elementParts: Buffer[] = [];
  private elementPartBytes = 0;
  private elementStart = 0;
  private elementOffset = 0;
  private elementCount = 0;

  // The envelope: everything but the data array's interior. envelopeStart is where its
  // current run begins in buf, -1 inside the data array.
  private envelopeParts: Buffer[] = [];
  private envelopeBytes = 0;
  private envelopeStart = 0;

  // The top-level key being read (with its quotes).
  private keyParts: Buffer[] = [];
  private keyStart = 0;
  private keyEscaped = false;
  private valueIsData = false;
  private dataKind: FiDataSplit['data'] = 'absent';

  constructor(options: FiDataSplitterOptions) {
    this.maxElementBytes = options.maxElementBytes;
    this.maxEnvelopeBytes = options.maxEnvelopeBytes ?? DEFAULT_MAX_ENVELOPE_BYTES;
    this.wholeBelow = Math.min(options.wholeBelowBytes ?? DEFAULT_WHOLE_BELOW_BYTES, this.maxElementBytes, this.maxEnvelopeBytes);
    this.buffering = this.wholeBelow > 0;
  }

  /** Elements handed out so far. */
  get elements(): number {
    return this.elementCount;
  }

  /**
   * Gives the next chunk; the previous one must have been read to its end (readElement()
   * returned null). The chunk is not copied and may be kept until end(): do not reuse its
   * memory (chunks from a socket or a fetch body never are).
   */
  write(chunk: Uint8Array): void {
    this.throwIfFailed();
    if (this.ended) throw new Error('FiDataStreamSplitter.write: after end()');
    if (!this.bufDone) throw new Error('FiDataStreamSplitter.write: the previous chunk is not read yet (call readElement() until it returns null)');
    const view = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.buffering) {
      // Kept, not copied (a copy costs a tenth of parsing a small answer).
      this.held.push(view);
      this.heldBytes += view.length;
      if (this.heldBytes > this.wholeBelow) this.replay();
      return;
    }
    this.base += this.buf.length;
    // A view, not a copy: bytes that must outlive the chunk are copied when it is used up.
    this.buf = view;
    this.pos = 0;
    this.bufDone = false;
    this.elementStart = 0;
    this.keyStart = 0;
    this.envelopeStart = this.inDataArray() ? -1 : 0;
  }

  /** Says no chunk follows; then read the last elements, then result(). */
  end(): void {
    this.throwIfFailed();
    if (this.ended) return;
    if (!this.bufDone) throw new Error('FiDataStreamSplitter.end: the last chunk is not read yet (call readElement() until it returns null)');
    this.ended = true;
    if (this.buffering && !this.parseWhole()) this.replay();
    if (!this.buffering && this.bufDone) this.settle(() => this.finish());
  }

  /** The next complete element of `data`, or null when what was written is used up. */
  readElement(): { value: unknown } | null {
    this.throwIfFailed();
    if (this.buffering) {
      if (this.parsedNext >= this.parsed.length) return null;
      const value = this.parsed[this.parsedNext];
      // Released as handed out, so the caller's progress frees memory.
      this.parsed[this.parsedNext++] = undefined;
      this.elementCount++;
      return { value };
    }
    return this.settle(() => {
      const element = this.scan();
      if (element === null && this.ended && this.outcome === undefined) this.finish();
      return element;
    });
  }

  /** After end() and reading every element: the envelope and counts. */
  result(): FiDataSplit {
    this.throwIfFailed();
    if (this.outcome === undefined || (this.buffering && this.parsedNext < this.parsed.length)) {
      throw new Error('FiDataStreamSplitter.result: call end() and readElement() until it returns null first');
    }
    return this.outcome;
  }

  /** Runs a step; a FiDataStreamError makes the splitter fail for good. */
  private settle<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      if (error instanceof FiDataStreamError) {
        this.state = S.Failed;
        this.failure = error;
      }
      throw error;
    }
  }

  /**
   * The small-answer path at end(): true when JSON.parse of the whole gave the result. False
   * for a body it rejects (the scanner then says precisely what and where) and for one that
   * might have two top-level data keys (JSON.parse would silently keep the last).
   */
  private parseWhole(): boolean {
    const body = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.heldBytes);
    let whole: unknown;
    try {
      whole = JSON.parse(body.toString('utf8'));
    } catch {
      return false;
    }
    let data: FiDataSplit['data'] = 'absent';
    if (typeof whole === 'object' && whole !== null && !Array.isArray(whole) && Object.prototype.hasOwnProperty.call(whole, 'data')) {
      // A key reads as data only as "data" or with \u escapes, so one `data"` and no \u rule
      // out a second. (`data"`, not `"data"`: a search starting with a quote is 8x slower.)
      const first = body.indexOf('data"');
      if (body.indexOf('data"', first + 1) >= 0 || body.indexOf('\\u') >= 0) return false;
      const object = whole as Record<string, unknown>;
      const value = object['data'];
      if (Array.isArray(value)) {
        data = 'array';
        this.parsed = value;
        object['data'] = [];
      } else data = 'not-array';
    }
    this.held = [];
    this.outcome = { envelope: whole, data, elements: this.parsed.length, bytes: this.heldBytes };
    return true;
  }

  /** Leaves the small-answer path: what was kept becomes the scanner's first chunk. */
  private replay(): void {
    const body = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.buffering = false;
    this.buf = body;
    this.pos = 0;
    this.bufDone = false;
  }

  /** At the end of the input: the checks and the envelope. */
  private finish(): void {
    const bytes = this.base + this.buf.length;
    if (this.state !== S.AfterRoot && this.state !== S.RootOther) {
      throw new FiDataStreamError('truncated', `The FI data answer ends at byte ${bytes} ${this.whereIncomplete()}.`, bytes);
    }
    const text = Buffer.concat(this.envelopeParts, this.envelopeBytes).toString('utf8');
    this.envelopeParts = [];
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch (error) {
      // Not JSON here means a top-level value other than data's elements is malformed; the
      // scanner checks only the structure around them. Positions in the message count the
      // envelope's characters, not the body's bytes.
      throw new FiDataStreamError('invalid', `The FI data answer outside data's elements is not valid JSON (${(error as Error).message}; positions count the envelope's characters).`, bytes, { cause: error });
    }
    this.outcome = { envelope, data: this.dataKind, elements: this.elementCount, bytes };
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private inDataArray(): boolean {
    const s = this.state;
    return s === S.FirstElement || s === S.NextElement || s === S.Element || s === S.AfterElement;
  }

  private whereIncomplete(): string {
    switch (this.state) {
      case S.BeforeRoot:
        return 'before any JSON value';
      case S.Element:
      case S.FirstElement:
      case S.NextElement:
      case S.AfterElement:
        return `inside data, after ${this.elementCount} complete element(s)`;
      default:
        return 'inside the top-level object';
    }
  }

  private fail(kind: FiDataStreamErrorKind, message: string, offset: number): never {
    throw new FiDataStreamError(kind, message, offset);
  }

  private unexpected(c: number, i: number, expected: string): never {
    this.fail('invalid', `The FI data answer is not valid JSON: ${describeByte(c)} at byte ${this.base + i} where ${expected} was expected.`, this.base + i);
  }

  private scan(): { value: unknown } | null {
    if (this.bufDone) return null;
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    while (i < n) {
      switch (this.state) {
        case S.Element: {
          this.pos = i;
          if (!this.scanValue()) {
            i = n;
            break;
          }
          i = this.pos;
          this.state = S.AfterElement;
          return { value: this.finishElement(i) };
        }
        case S.EnvelopeValue: {
          this.pos = i;
          if (!this.scanValue()) {
            i = n;
            break;
          }
          i = this.pos;
          this.state = S.AfterValue;
          break;
        }
        case S.AfterElement: {
          const c = buf[i]!;
          if (c === COMMA) this.state = S.NextElement;
          else if (c === CLOSE_BRACKET) {
            this.state = S.AfterValue;
            this.envelopeStart = i;
          } else if (!isWhitespace(c)) this.unexpected(c, i, "',' or ']' after an element of data");
          i++;
          break;
        }
        case S.FirstElement:
        case S.NextElement: {
          const c = buf[i]!;
          if (isWhitespace(c)) {
            i++;
            break;
          }
          if (c === CLOSE_BRACKET && this.state === S.FirstElement) {
            this.state = S.AfterValue;
            this.envelopeStart = i;
            i++;
            break;
          }
          if (!isValueStart(c)) this.unexpected(c, i, 'an element of data');
          this.elementParts = [];
          this.elementPartBytes = 0;
          this.elementStart = i;
          this.elementOffset = this.base + i;
          this.startValue(c);
          this.state = S.Element;
          // A container or string: its first byte is consumed by startValue.
          if (this.valueKind !== V.Literal) i++;
          break;
        }
        case S.BeforeRoot: {
          const c = buf[i]!;
          if (isWhitespace(c)) {
            i++;
            break;
          }
          if (c === OPEN_BRACE) {
            this.state = S.KeyOrEnd;
            i++;
          } else {
            // Not an object: no data to split; JSON.parse at the end says what it is.
            this.state = S.RootOther;
          }
          break;
        }
        case S.RootOther:
          i = n;
          break;
        case S.KeyOrEnd:
        case S.Key: {
          const c = buf[i]!;
          if (c === QUOTE) {
            this.keyParts = [];
            this.keyStart = i;
            this.keyEscaped = false;
            this.escape = false;
            this.state = S.InKey;
          } else if (c === CLOSE_BRACE && this.state === S.KeyOrEnd) this.state = S.AfterRoot;
          else if (!isWhitespace(c)) this.unexpected(c, i, this.state === S.KeyOrEnd ? "a key or '}'" : 'a key');
          i++;
          break;
        }
        case S.InKey: {
          for (; i < n; i++) {
            const c = buf[i]!;
            if (this.escape) this.escape = false;
            else if (c === BACKSLASH) {
              this.escape = true;
              this.keyEscaped = true;
            } else if (c === QUOTE) break;
          }
          if (i < n) {
            i++;
            this.endKey(i);
          }
          break;
        }
        case S.Colon: {
          const c = buf[i]!;
          if (c === COLON) this.state = S.Value;
          else if (!isWhitespace(c)) this.unexpected(c, i, "':' after a key");
          i++;
          break;
        }
        case S.Value: {
          const c = buf[i]!;
          if (isWhitespace(c)) {
            i++;
            break;
          }
          if (!isValueStart(c)) this.unexpected(c, i, 'a value');
          if (this.valueIsData) {
            if (this.dataKind !== 'absent') this.fail('duplicate-data', `The FI data answer has a second top-level data key (at byte ${this.base + i}); one answer must carry one data array.`, this.base + i);
            if (c === OPEN_BRACKET) {
              this.dataKind = 'array';
              // The envelope keeps `[` and, later, `]`: data becomes [].
              i++;
              this.flushEnvelope(i);
              this.envelopeStart = -1;
              this.state = S.FirstElement;
              break;
            }
            this.dataKind = 'not-array';
          }
          this.startValue(c);
          this.state = S.EnvelopeValue;
          if (this.valueKind !== V.Literal) i++;
          break;
        }
        case S.AfterValue: {
          const c = buf[i]!;
          if (c === COMMA) this.state = S.Key;
          else if (c === CLOSE_BRACE) this.state = S.AfterRoot;
          else if (!isWhitespace(c)) this.unexpected(c, i, "',' or '}' after a top-level value");
          i++;
          break;
        }
        case S.AfterRoot: {
          const c = buf[i]!;
          if (!isWhitespace(c)) this.unexpected(c, i, 'nothing more after the top-level object');
          i++;
          break;
        }
        case S.Failed:
          throw this.failure;
      }
    }
    this.pos = n;
    this.chunkUsedUp();
    this.bufDone = true;
    return null;
  }

  private startValue(c: number): void {
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      this.valueKind = V.Container;
      this.depth = 1;
    } else if (c === QUOTE) {
      this.valueKind = V.String;
      this.inString = true;
    } else this.valueKind = V.Literal;
  }

  /**
   * The hot loop: advances this.pos through the value being scanned. True when the value
   * ended (this.pos just after it; for a literal, at the delimiter), false when the chunk
   * is used up first. Validity inside the value is left to JSON.parse of its bytes.
   */
  private scanValue(): boolean {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    if (this.valueKind === V.Literal) {
      while (i < n && !isDelimiter(buf[i]!)) i++;
      this.pos = i;
      return i < n;
    }
    let depth = this.depth;
    let inString = this.inString;
    if (this.escape) {
      // The byte after a backslash that ended the previous chunk.
      if (i >= n) return false;
      i++;
      this.escape = false;
    }
    while (i < n) {
      if (inString) {
        // Two bytes a turn (15% faster on FI data, whose bytes are four-fifths strings).
        // Out of the chunk: i at its end, or one past it when the last byte was a backslash.
        let closed = false;
        for (;;) {
          if (i + 1 >= n) {
            if (i >= n) break;
            const c = buf[i++]!;
            if (c === QUOTE) {
              closed = true;
              break;
            }
            if (c === BACKSLASH) i++;
            continue;
          }
          const c = buf[i]!;
          if (c === QUOTE) {
            i++;
            closed = true;
            break;
          }
          if (c === BACKSLASH) {
            i += 2;
            continue;
          }
          const d = buf[i + 1]!;
          if (d === QUOTE) {
            i += 2;
            closed = true;
            break;
          }
          i += d === BACKSLASH ? 3 : 2;
        }
        if (!closed) {
          this.depth = depth;
          this.inString = true;
          this.escape = i > n;
          this.pos = n;
          return false;
        }
        inString = false;
        if (depth === 0) {
          this.pos = i;
          return true;
        }
        continue;
      }
      const c = buf[i++]!;
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) {
          this.pos = i;
          return true;
        }
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.pos = n;
    return false;
  }

  private finishElement(end: number): unknown {
    const size = this.elementPartBytes + (end - this.elementStart);
    if (size > this.maxElementBytes) this.elementTooLarge(size);
    const index = this.elementCount;
    let text: string;
    if (this.elementParts.length === 0) text = this.buf.toString('utf8', this.elementStart, end);
    else {
      this.elementParts.push(this.buf.subarray(this.elementStart, end));
      text = Buffer.concat(this.elementParts, size).toString('utf8');
    }
    this.elementParts = [];
    this.elementPartBytes = 0;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.fail('invalid', `Element ${index} of the FI data answer's data (bytes ${this.elementOffset}-${this.elementOffset + size - 1}) is not valid JSON: ${(error as Error).message}.`, this.elementOffset);
    }
    this.elementCount++;
    return value;
  }

  private elementTooLarge(size: number): never {
    this.fail(
      'element-too-large',
      `Element ${this.elementCount} of the FI data answer's data (from byte ${this.elementOffset}) is over ${this.maxElementBytes} bytes (${size} read so far).`,
      this.elementOffset,
    );
  }

  private endKey(end: number): void {
    // The key's bytes, quotes included; they stay in the envelope too.
    let key: Buffer;
    if (this.keyParts.length === 0) key = this.buf.subarray(this.keyStart, end);
    else {
      this.keyParts.push(this.buf.subarray(this.keyStart, end));
      key = Buffer.concat(this.keyParts);
    }
    this.keyParts = [];
    if (!this.keyEscaped) this.valueIsData = key.length === 6 && key[1] === 0x64 && key[2] === 0x61 && key[3] === 0x74 && key[4] === 0x61;
    else {
      // "d\u0061ta" is data too, as JSON.parse sees it.
      let name: unknown;
      try {
        name = JSON.parse(key.toString('utf8'));
      } catch (error) {
        this.fail('invalid', `The FI data answer is not valid JSON: a top-level key ending at byte ${this.base + end - 1} is not a valid string (${(error as Error).message}).`, this.base + end - 1);
      }
      this.valueIsData = name === 'data';
    }
    this.state = S.Colon;
  }

  private flushEnvelope(end: number): void {
    if (this.envelopeStart < 0 || end <= this.envelopeStart) return;
    const run = Buffer.from(this.buf.subarray(this.envelopeStart, end));
    this.envelopeBytes += run.length;
    if (this.envelopeBytes > this.maxEnvelopeBytes) {
      this.fail('envelope-too-large', `The FI data answer outside data's elements is over ${this.maxEnvelopeBytes} bytes (at byte ${this.base + end}).`, this.base + end);
    }
    this.envelopeParts.push(run);
  }

  /** Copies out what must outlive the chunk, so the caller's buffer can be dropped or reused. */
  private chunkUsedUp(): void {
    const n = this.buf.length;
    if (this.state === S.Element) {
      const size = this.elementPartBytes + (n - this.elementStart);
      if (size > this.maxElementBytes) this.elementTooLarge(size);
      if (n > this.elementStart) {
        this.elementParts.push(Buffer.from(this.buf.subarray(this.elementStart, n)));
        this.elementPartBytes = size;
      }
    }
    if (this.state === S.InKey) {
      this.keyParts.push(Buffer.from(this.buf.subarray(this.keyStart, n)));
    }
    this.flushEnvelope(n);
  }
}

/**
 * Reads `chunks` (e.g. a fetch Response's body) through a splitter, calling `onElement` for
 * each element of `data` in order, awaiting it when it returns a promise (backpressure: no
 * more of the body is read meanwhile). Resolves with the envelope; rejects with
 * FiDataStreamError for a body that is not complete valid JSON, or with what onElement or
 * the chunk source threw. On any rejection the source's iterator is closed (for a
 * ReadableStream, the body is cancelled).
 */
export async function splitFiDataStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onElement: (element: unknown, index: number) => void | Promise<void>,
  options: FiDataSplitterOptions,
): Promise<FiDataSplit> {
  const splitter = new FiDataStreamSplitter(options);
  const drain = async (): Promise<void> => {
    for (let e = splitter.readElement(); e !== null; e = splitter.readElement()) {
      const pending = onElement(e.value, splitter.elements - 1);
      if (pending !== undefined) await pending;
    }
  };
  for await (const chunk of chunks) {
    splitter.write(chunk);
    await drain();
  }
  splitter.end();
  await drain();
  return splitter.result();
}
