/** A plain aligned text table for summaries on a terminal (numbers right-aligned). */
export function formatTextTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const text = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))));
  const numeric = headers.map((_, i) => text.length > 0 && text.every((row) => /^-?[\d.,]*$/.test(row[i] ?? '')));
  const widths = headers.map((header, i) => Math.max(header.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...text.map(line)].join('\n');
}
