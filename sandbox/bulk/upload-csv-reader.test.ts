import { describe, expect, it } from 'vitest';
import { readUploadCsv } from './upload-csv-reader.js';

describe('readUploadCsv', () => {
  it('keeps a quoted comma, a doubled quote and a quoted line break inside their field', () => {
    expect(readUploadCsv('consentId,configId\n"a,1","say ""hi"""\n"b\nc",x\n')).toEqual({
      ok: true,
      header: ['consentId', 'configId'],
      rows: [
        ['a,1', 'say "hi"'],
        ['b\nc', 'x'],
      ],
    });
  });

  it('reads CRLF, LF and CR line ends alike, and skips blank lines', () => {
    const expected = { ok: true, header: ['consentId', 'configId'], rows: [['a', '1'], ['b', '']] };
    expect(readUploadCsv('consentId,configId\r\na,1\r\n\r\nb,\r\n')).toEqual(expected);
    expect(readUploadCsv('consentId,configId\na,1\n  \nb,\n')).toEqual(expected);
    expect(readUploadCsv('consentId,configId\ra,1\rb,')).toEqual(expected);
  });

  it('allows rows shorter than the header', () => {
    expect(readUploadCsv('consentId,fiDataRangeFrom\na\n')).toMatchObject({ ok: true, rows: [['a']] });
  });

  it.each([
    ['an unterminated quote', 'consentId\n"abc\n'],
    ['text after a closing quote', 'consentId\n"abc"x\n'],
    ['a quote inside an unquoted field', 'consentId\nab"c\n'],
    ['an empty file', ''],
    ['only blank lines', '\n \r\n'],
  ])('answers an error for %s', (_, text) => {
    const result = readUploadCsv(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).not.toBe('');
  });
});
