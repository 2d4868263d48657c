/**
 * Physical line numbers for csv-parse records. csv-parse reports the line count at the end of a
 * record, and counts a CR LF inside a quoted cell as two lines (an editor shows one), so a
 * record with a quoted line break would be reported on a later line than the cell a user must fix.
 */

const breaksIn = (cells: readonly string[]) => cells.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0);

/** CR LFs inside the record's cells: what csv-parse over-counts, for this and every later record. */
export function crlfsIn(record: readonly string[]): number {
  let n = 0;
  for (const cell of record) if (cell.includes("\r\n")) n += cell.split("\r\n").length - 1;
  return n;
}

/**
 * The line (1-based) on which the record's cell `column` (1-based; past the end: the record's
 * last line) starts, from csv-parse's `lines` at the end of the record and the CR LFs inside
 * the cells of earlier records.
 */
export function cellLine(record: readonly string[], column: number, csvParseLines: number, earlierCrlfs: number): number {
  const lastLine = csvParseLines - earlierCrlfs - crlfsIn(record);
  return lastLine - breaksIn(record) + breaksIn(record.slice(0, Math.max(0, column - 1)));
}
