/**
 * RFC 4180 CSV (quoted fields, "" escapes, CRLF or LF). Returns an error string for
 * anything it cannot read, which makes the uploaded batch FAILED, as FinPro does.
 */
export type CsvResult = { ok: true; header: string[]; rows: string[][] } | { ok: false; error: string };

export function parseCsv(text: string): CsvResult {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        const after = text[i];
        if (after !== undefined && after !== ',' && after !== '\n' && after !== '\r') {
          return { ok: false, error: `line ${records.length + 1}: text after a closing quote` };
        }
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field !== '') return { ok: false, error: `line ${records.length + 1}: quote inside an unquoted field` };
      inQuotes = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      record.push(field);
      field = '';
      records.push(record);
      record = [];
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else {
      field += c;
    }
    i++;
  }
  if (inQuotes) return { ok: false, error: 'unterminated quoted field' };
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  // Blank lines carry nothing.
  const nonBlank = records.filter((r) => !(r.length === 1 && r[0]?.trim() === ''));
  const [header, ...rows] = nonBlank;
  if (!header) return { ok: false, error: 'the file is empty' };
  return { ok: true, header: header.map((h) => h.trim()), rows };
}
