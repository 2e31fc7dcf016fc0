/**
 * Differencing: two tables over the same dimensions whose populations are nested (one is the other
 * plus or minus some persons: a slightly different period, an exclusion) give away the persons in
 * between by subtraction. A new table is compared with every earlier release and every other table of
 * the request; cell differences from 1 up to one below the threshold are blocked. When counts are
 * rounded, differences within the rounding base are noise and pass.
 */
import { columnNumbers } from '../columns.js';
import type { CellRef, Finding } from '../model.js';
import type { OutputProfile } from '../profile.js';
import type { TableCheck } from './rule.js';
import { findingFor, plural, where } from './rule.js';

export interface Comparable {
  path: string;
  check: TableCheck;
}

const personColumns = ({ roles }: TableCheck) => [
  ...roles.counts,
  ...(roles.contributors === null ? [] : [roles.contributors]),
];

const dimensionKey = ({ table, roles }: TableCheck) =>
  roles.dimensions
    .map((d) => table.header[d] as string)
    .sort()
    .join('\u0000');

/** Cells of `a` that differ from `b` by a small group, when the two populations are nested. */
function smallDifferences(a: TableCheck, b: TableCheck, profile: OutputProfile): CellRef[] {
  const dims = a.roles.dimensions.map((d) => a.table.header[d] as string).sort();
  const keyOf = (check: TableCheck, row: string[]) =>
    dims.map((name) => (row[check.table.header.indexOf(name)] ?? '').trim()).join('\u0000');
  const rowsOfB = new Map(b.table.rows.map((row, r) => [keyOf(b, row), r]));
  const shared = personColumns(a).flatMap((c) => {
    const other = b.table.header.indexOf(a.table.header[c] as string);
    return other >= 0 && personColumns(b).includes(other) ? [[c, other] as const] : [];
  });
  const differences: { cell: CellRef; d: number }[] = [];
  let more = 0;
  let fewer = 0;
  a.table.rows.forEach((row, r) => {
    const rb = rowsOfB.get(keyOf(a, row));
    if (rb === undefined) return;
    for (const [ca, cb] of shared) {
      const d = (columnNumbers(a.table, ca)[r] as number) - (columnNumbers(b.table, cb)[rb] as number);
      if (Number.isNaN(d) || d === 0) continue;
      if (d > 0) more++;
      else fewer++;
      differences.push({ cell: a.table.ref(r, ca), d: Math.abs(d) });
    }
  });
  // Mixed signs: neither population contains the other, so no difference isolates a group.
  if (more > 0 && fewer > 0) return [];
  const noise = profile.counts.rounding ?? 0;
  return differences.filter(({ d }) => d > noise && d < profile.counts.threshold).map(({ cell }) => cell);
}

/** Findings for `table` against every comparable table with the same dimensions. */
export function differencing(
  table: Comparable,
  others: readonly Comparable[],
  profile: OutputProfile,
): Finding[] {
  if (personColumns(table.check).length === 0 || table.check.roles.dimensions.length === 0) return [];
  const key = dimensionKey(table.check);
  return others.flatMap((other) => {
    if (other.check === table.check || dimensionKey(other.check) !== key) return [];
    const cells = smallDifferences(table.check, other.check, profile);
    return findingFor(
      'differencing',
      'block',
      cells,
      `${plural(cells.length, 'cell')}${where(table.check.table)} that differ from ${other.path} by fewer than ${profile.counts.threshold} persons: subtracting one table from the other reveals a small group`,
    );
  });
}
