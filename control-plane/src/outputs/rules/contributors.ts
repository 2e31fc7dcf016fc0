/**
 * Magnitude tables (sums, means, DDD per cell): each shown statistic needs at least the profile's
 * number of contributing persons, read from the declared contributors column.
 */
import { columnNumbers } from '../columns.js';
import type { CellRef } from '../model.js';
import { isSuppressed } from '../values.js';
import { findingFor, plural, type TableRule, where } from './rule.js';

export const contributors: TableRule = ({ table, entry, roles, profile }) => {
  if (entry?.kind !== 'magnitude') return [];
  const at = where(table);
  const threshold = profile.magnitude.threshold;
  if (roles.contributors === null) {
    return findingFor(
      'contributors',
      'review',
      roles.statistics.map((c) => table.ref(-1, c)),
      `the magnitude table${at} does not name a contributors column: a person must check that every cell has at least ${threshold} contributing persons`,
    );
  }
  const counts = columnNumbers(table, roles.contributors);
  const few: CellRef[] = [];
  const unknown: CellRef[] = [];
  for (let r = 0; r < counts.length; r++) {
    const n = counts[r] as number;
    const shown = roles.statistics.filter((c) => !isSuppressed(table.rows[r]?.[c] as string));
    if (shown.length === 0) continue;
    const cells = [table.ref(r, roles.contributors), ...shown.map((c) => table.ref(r, c))];
    if (Number.isNaN(n) || n === 0) unknown.push(...cells);
    else if (n < threshold) few.push(...cells);
  }
  return [
    ...findingFor(
      'contributors',
      'block',
      few,
      `statistics${at} from fewer than ${threshold} contributing persons (${profile.name}): one person's value can be worked out`,
    ),
    ...findingFor(
      'contributors',
      'review',
      unknown,
      `${plural(unknown.length, 'cell')}${at} showing a statistic without a contributor count: a person must check how many contributed`,
    ),
  ];
};
