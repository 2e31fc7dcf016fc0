/**
 * (n,k)-dominance and the p% rule for magnitude cells, where the caller has evidence of the
 * individual contributions (query-backed outputs re-run the query and pass them; a table alone
 * never shows who contributed what).
 * - (n,k): the n largest contributions exceed k of the cell total, so they are nearly known.
 * - p%: total − x1 − x2 < p·x1, so the second-largest contributor can estimate the largest within p.
 * Contributions are compared by absolute value: a negative amount dominates as much as a positive one.
 */
import type { CellRef } from '../model.js';
import { findingFor, type TableRule, where } from './rule.js';

function largestFirst(contributions: readonly number[]): number[] {
  return contributions.map(Math.abs).sort((a, b) => b - a);
}

export const dominance: TableRule = ({ path, table, roles, profile, context }) => {
  const evidence = context.contributions?.[path];
  if (!evidence) return [];
  const { n, k } = profile.magnitude.dominance;
  const p = profile.magnitude.pPercent;
  const dominated: CellRef[] = [];
  const estimable: CellRef[] = [];
  for (const c of roles.statistics) {
    const perRow = evidence[table.header[c] as string];
    if (!perRow) continue;
    perRow.forEach((contributions, r) => {
      if (!contributions || contributions.length === 0 || r >= table.rows.length) return;
      const sorted = largestFirst(contributions);
      const total = sorted.reduce((a, b) => a + b, 0);
      if (total === 0) return;
      const top = sorted.slice(0, n).reduce((a, b) => a + b, 0);
      if (top > k * total) dominated.push(table.ref(r, c));
      const [x1 = 0, x2 = 0] = sorted;
      if (total - x1 - x2 < p * x1) estimable.push(table.ref(r, c));
    });
  }
  const at = where(table);
  return [
    ...findingFor(
      'dominance',
      'block',
      dominated,
      `cells${at} where the ${n} largest contributions make up more than ${k * 100}% of the total: those persons' values are nearly known`,
    ),
    ...findingFor(
      'p-percent',
      'block',
      estimable,
      `cells${at} where the second-largest contributor could estimate the largest within ${p * 100}% (p% rule)`,
    ),
  ];
};
