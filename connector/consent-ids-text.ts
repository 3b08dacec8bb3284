import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import { CONSENT_ID_PATTERN } from './config.js';
import { ConfigError } from './errors/connector-errors.js';

/**
 * The text of `consent_ids_file`: one ID a line, or an RFC 4180 CSV whose header has a
 * `consent_id`/`consentId` column (quoted fields, commas inside quotes, CRLF). Blank lines and
 * a UTF-8 BOM are tolerated; an invalid ID is an error naming the line.
 *
 * The list can hold 100,000 consents and is read in one synchronous step, so what it allocates
 * all survives to the old generation: the CSV reader's per-record `info` objects (~15 fields
 * each) kept with every record were ~50 MB there at 100,000 lines, and V8 sizes the heap by
 * what it finds live. A plain list is split directly; a CSV keeps only its consent cell and line.
 */
export function parseConsentIdsText(text: string, source: string): string[] {
  const ids = plainIds(text) ?? csvIds(text, source);
  if (ids.length === 0) throw new ConfigError(`config.consent_ids_file: ${source} holds no consent IDs.`);
  return ids;
}

const CONSENT_COLUMNS = new Set(['consent_id', 'consentId']);
const LINE_BREAK = /\r\n|\n|\r/;

/**
 * A file of bare IDs, one a line, read as the CSV reader would read it (a BOM, empty lines
 * skipped, a first line naming the consent column is a header). Undefined when a line needs
 * the CSV reader: quotes, commas, spaces to trim, or an invalid ID whose error names its line.
 */
function plainIds(text: string): string[] | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const ids: string[] = [];
  let first = true;
  for (const line of body.split(LINE_BREAK)) {
    if (line === '') continue;
    if (!CONSENT_ID_PATTERN.test(line)) return undefined;
    if (!(first && CONSENT_COLUMNS.has(line))) ids.push(line);
    first = false;
  }
  return ids;
}

function csvIds(text: string, source: string): string[] {
  // Each record is reduced to its consent cell as it is read; the first decides the column.
  let header: string[] | undefined;
  let column = -1;
  let wide = false;
  const ids: string[] = [];
  const lines: number[] = [];
  const onRecord = (record: string[], info: { lines: number }): null => {
    if (record.length > 1) wide = true;
    if (header === undefined) {
      header = record;
      column = record.findIndex((cell) => CONSENT_COLUMNS.has(cell));
      if (column >= 0) return null;
    }
    ids.push(record[column < 0 ? 0 : column] ?? '');
    lines.push(info.lines);
    return null;
  };
  try {
    parseCsv(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'], on_record: onRecord });
  } catch (error) {
    const where = error instanceof CsvError && typeof (error as CsvError & { lines?: number }).lines === 'number' ? ` near line ${(error as CsvError & { lines: number }).lines}` : '';
    throw new ConfigError(`config.consent_ids_file: ${source} is not a readable CSV${where}: ${error instanceof CsvError ? error.code : 'parse failed'}.`);
  }
  if (column < 0 && wide) {
    throw new ConfigError(`config.consent_ids_file: ${source} looks like a CSV but has no consent_id or consentId column.`);
  }
  for (let i = 0; i < ids.length; i++) {
    // A data row may leave other columns empty, but never its consent.
    if (!CONSENT_ID_PATTERN.test(ids[i]!)) {
      throw new ConfigError(`config.consent_ids_file: line ${lines[i]!} of ${source} is not a valid consent ID (1-128 of A-Z a-z 0-9 _ - .).`);
    }
  }
  return ids;
}
