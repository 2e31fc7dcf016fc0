/**
 * A table as the rules see it: a header and rows of strings, whatever file it came from (CSV, an
 * HTML <table>, a JSON array of records). Values stay as written so findings quote them exactly.
 */
import type { CellRef } from './model.js';

export interface Table {
  /** Where the table sits inside its file, for messages: '' for a CSV, 'HTML table 2', 'JSON $.rows'. */
  origin: string;
  header: string[];
  /** Every row has exactly `header.length` cells. */
  rows: string[][];
  /** Semicolon-separated files write decimals with a comma (Danish spreadsheets do). */
  decimalComma: boolean;
  /** The cell a person finds in the file for data row `row` (0-based; -1 is the header) and column. */
  ref(row: number, column: number): CellRef;
}

export function makeTable(
  header: string[],
  rows: string[][],
  options: { origin?: string; decimalComma?: boolean } = {},
): Table {
  let width = header.length;
  for (const r of rows) if (r.length > width) width = r.length;
  // Cells past the header still leave with the file, so they get a column of their own.
  const fullHeader = header.concat(
    Array.from({ length: width - header.length }, (_, i) => `(column ${header.length + i + 1})`),
  );
  const fullRows = rows.map((r) =>
    r.length === width ? r : r.concat(Array.from({ length: width - r.length }, () => '')),
  );
  const origin = options.origin ?? '';
  const prefix = origin ? `${origin}: ` : '';
  return {
    origin,
    header: fullHeader,
    rows: fullRows,
    decimalComma: options.decimalComma ?? false,
    ref: (row, column) => ({
      row: row + 1,
      column: `${prefix}${fullHeader[column] ?? `(column ${column + 1})`}`,
      value: row < 0 ? (fullHeader[column] ?? '') : (fullRows[row]?.[column] ?? ''),
    }),
  };
}

/**
 * The table read the other way round: its first column becomes the header. Individual records are
 * sometimes written one person per column; the row rules then see them as rows again. Findings still
 * point at the original cells.
 */
export function transpose(table: Table): Table {
  const header = table.rows.map((r) => r[0] ?? '');
  const rows = table.header.slice(1).map((_, c) => table.rows.map((r) => r[c + 1] ?? ''));
  const view = makeTable(header, rows, { origin: table.origin, decimalComma: table.decimalComma });
  return {
    ...view,
    ref: (row, column) => (row < 0 ? table.ref(column, 0) : table.ref(column, row + 1)),
  };
}
