/**
 * Disguised totals: a hidden cell that the table's own margins let one recompute (the only hidden
 * cell of a row with a total, or one that becomes the only one after others are recomputed), and a
 * totals row that exceeds its shown cells by a small group (a category left out of the table).
 */
import { columnNumbers } from '../columns.js';
import { margins, type Position, recoverable } from '../margins.js';
import type { CellRef } from '../model.js';
import { findingFor, type TableRule, where } from './rule.js';

export const disguisedTotals: TableRule = ({ table, roles, profile }) => {
  const system = margins(table, roles, profile.counts.rounding);
  if (system.equations.length === 0) return [];
  const { width } = system;
  const cell = (p: Position) => table.ref(Math.floor(p / width), p % width);
  const isHidden = (p: Position) =>
    Number.isNaN(columnNumbers(table, p % width)[Math.floor(p / width)] as number);
  const hidden = new Set<Position>();
  for (const e of system.equations) for (const p of [e.total, ...e.members]) if (isHidden(p)) hidden.add(p);
  const at = where(table);
  const recovered = [...recoverable(table, system, hidden)];
  const findings = findingFor(
    'disguised-totals',
    'block',
    recovered.map(([p]) => cell(p)),
    `hidden cells${at} can be recomputed from the table's totals (${recovered
      .slice(0, 5)
      .map(([p, v]) => `${cell(p).column} row ${cell(p).row} = ${v}`)
      .join(', ')}${recovered.length > 5 ? ', …' : ''}): hide more cells or drop the totals`,
  );
  // With exact counts, a total above the sum of its shown cells reveals the persons left out.
  if (profile.counts.rounding !== null) return findings;
  const gaps: CellRef[] = [];
  const sizes: number[] = [];
  for (const e of system.equations) {
    if (!e.persons || [e.total, ...e.members].some((p) => hidden.has(p))) continue;
    const value = (p: Position) => columnNumbers(table, p % width)[Math.floor(p / width)] as number;
    const gap = value(e.total) - e.members.reduce((a, p) => a + value(p), 0);
    if (gap > 0 && gap < profile.counts.threshold) {
      gaps.push(cell(e.total));
      sizes.push(gap);
    }
  }
  return [
    ...findings,
    ...findingFor(
      'disguised-totals',
      'block',
      gaps,
      `totals${at} exceed their shown cells by fewer than ${profile.counts.threshold} persons (${[...new Set(sizes)].join(', ')}): the persons left out of the table form a small group`,
    ),
  ];
};
