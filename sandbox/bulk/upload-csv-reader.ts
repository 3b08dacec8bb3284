import { CsvError, parse } from 'csv-parse/sync';

/**
 * An uploaded batch file read as RFC 4180 CSV (quoted fields, "" escapes, CRLF, LF or CR).
 * Returns an error string for anything it cannot read, which makes the batch FAILED, as FinPro does.
 */
export type CsvResult = { ok: true; header: string[]; rows: string[][] } | { ok: false; error: string };

export function readUploadCsv(text: string): CsvResult {
  let records: string[][];
  try {
    // Ragged rows are allowed: a row may stop before the optional trailing columns.
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n', '\r'] }) as string[][];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines;
    return { ok: false, error: `${typeof line === 'number' ? `line ${line}: ` : ''}${error.code}` };
  }
  // A line of only spaces carries nothing, as an empty one.
  const nonBlank = records.filter((r) => !(r.length === 1 && r[0]?.trim() === ''));
  const [header, ...rows] = nonBlank;
  if (!header) return { ok: false, error: 'the file is empty' };
  return { ok: true, header: header.map((h) => h.trim()), rows };
}
