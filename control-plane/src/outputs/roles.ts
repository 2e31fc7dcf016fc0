/**
 * Which columns of a table are dimensions, person counts, magnitudes and contributor counts: from
 * `outputs.yaml` when the file is declared, otherwise guessed from names and values. Guesses only
 * ever add checks; the individual-level rules ignore roles altogether.
 */

import { columnNumbers } from './columns.js';
import type { FileEntry } from './metadata.js';
import type { Table } from './table.js';
import { isSuppressed } from './values.js';

export interface ColumnRoles {
  dimensions: number[];
  counts: number[];
  statistics: number[];
  contributors: number | null;
  /** Declared columns the table does not have. */
  missing: string[];
}

/** Names researchers give person counts (English, Danish, R/pandas defaults). */
const COUNT_NAME =
  /^(?:n|nn|count|counts|freq|frequency|antal|persons?|personer|patients?|patienter|individuals|people|cases|events|hændelser|population|denominator|numerator|(?:n|antal|count|num|number)[_ .-]\w+|\w+[_ .-](?:n|count|antal))$/i;
/** Numeric columns that name a cell rather than measure it. */
const DIMENSION_NAME =
  /^(?:year|aar|år|month|maaned|måned|week|uge|quarter|kvartal|age|alder|age_?group|aldersgruppe|region|reg|kom|kommune|code|kode|sex|koen|køn|id|.*_(?:year|aar|code|kode|group|gruppe))$/i;

/** True when every shown cell of the column is a number (hidden and missing cells aside). */
export function isNumericColumn(table: Table, column: number): boolean {
  const numbers = columnNumbers(table, column);
  let shown = 0;
  for (let r = 0; r < numbers.length; r++) {
    if (!Number.isNaN(numbers[r])) shown++;
    else if (!isSuppressed(table.rows[r]?.[column] as string)) return false;
  }
  return shown > 0;
}

export function isIntegerColumn(table: Table, column: number): boolean {
  return columnNumbers(table, column).every((n) => Number.isNaN(n) || Number.isInteger(n));
}

export function columnRoles(table: Table, entry: FileEntry | undefined): ColumnRoles {
  const index = new Map(table.header.map((h, i) => [h, i]));
  const missing: string[] = [];
  const lookup = (names: string[] | undefined) =>
    (names ?? []).flatMap((n) => {
      const i = index.get(n);
      if (i === undefined) missing.push(n);
      return i === undefined ? [] : [i];
    });
  const declared = {
    dimensions: lookup(entry?.dimensions),
    counts: lookup(entry?.counts),
    statistics: lookup(entry?.statistics),
    contributors: entry?.contributors ? (lookup([entry.contributors])[0] ?? null) : null,
  };
  const used = new Set([
    ...declared.dimensions,
    ...declared.counts,
    ...declared.statistics,
    ...(declared.contributors === null ? [] : [declared.contributors]),
  ]);
  const guessed = { dimensions: [] as number[], counts: [] as number[], statistics: [] as number[] };
  table.header.forEach((name, i) => {
    if (used.has(i)) return;
    if (!isNumericColumn(table, i) || DIMENSION_NAME.test(name)) guessed.dimensions.push(i);
    else if (COUNT_NAME.test(name) && isIntegerColumn(table, i)) guessed.counts.push(i);
    else guessed.statistics.push(i);
  });
  const isTableKind = entry === undefined || ['frequency', 'histogram', 'magnitude'].includes(entry.kind);
  return {
    // Declared dimensions are complete; otherwise every non-measure column names the cell.
    dimensions: entry?.dimensions ? declared.dimensions : guessed.dimensions,
    // A frequency table that does not say which columns count persons gets the ones that look like it.
    counts: entry?.counts || !isTableKind ? declared.counts : guessed.counts,
    statistics: entry?.statistics ? declared.statistics : isTableKind ? guessed.statistics : [],
    contributors: declared.contributors,
    missing,
  };
}
