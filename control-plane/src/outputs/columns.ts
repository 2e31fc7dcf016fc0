/** Numbers of a table column, parsed once per table and shared by every rule. */
import type { Table } from './table.js';
import { parseNumber } from './values.js';

const cache = new WeakMap<Table, Map<number, Float64Array>>();

/** The column's cells as numbers; NaN where a cell is not a number (empty, hidden, text). */
export function columnNumbers(table: Table, column: number): Float64Array {
  let perTable = cache.get(table);
  if (!perTable) {
    perTable = new Map();
    cache.set(table, perTable);
  }
  let numbers = perTable.get(column);
  if (!numbers) {
    numbers = new Float64Array(table.rows.length);
    for (let r = 0; r < table.rows.length; r++) {
      numbers[r] = parseNumber(table.rows[r]?.[column] as string, table.decimalComma) ?? Number.NaN;
    }
    perTable.set(column, numbers);
  }
  return numbers;
}
