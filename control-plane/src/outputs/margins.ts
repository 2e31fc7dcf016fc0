/**
 * Margins of a table as equations (total = sum of its cells), and which hidden cells they give away.
 * Long layouts mark a totals row with a label ("Total", "I alt") in one dimension; the cells it sums
 * are the rows that agree on every other dimension. Wide layouts have a totals column summing the
 * other measure columns of a row. The same equations drive the disguised-totals rule and the
 * secondary suppression of `protect`.
 */
import { columnNumbers } from './columns.js';
import type { ColumnRoles } from './roles.js';
import type { Table } from './table.js';
import { isTotalLabel } from './values.js';

/** A cell position: row * width + column. */
export type Position = number;

export interface Equation {
  total: Position;
  members: Position[];
  /** Counts persons: a gap between total and cells is itself a (small) group. */
  persons: boolean;
}

export interface Margins {
  width: number;
  equations: Equation[];
}

const SEP = '\u0000';

function longEquations(table: Table, roles: ColumnRoles, columns: number[], width: number): Equation[][] {
  const groups: Equation[][] = columns.map(() => []);
  for (const d of roles.dimensions) {
    // Most dimensions have no totals row; grouping every row by the others would be wasted work.
    if (!table.rows.some((row) => isTotalLabel(row[d] as string))) continue;
    const others = roles.dimensions.filter((o) => o !== d);
    const byKey = new Map<string, { totals: number[]; members: number[] }>();
    table.rows.forEach((row, r) => {
      const key = others.map((o) => row[o]).join(SEP);
      let slot = byKey.get(key);
      if (!slot) {
        slot = { totals: [], members: [] };
        byKey.set(key, slot);
      }
      (isTotalLabel(row[d] as string) ? slot.totals : slot.members).push(r);
    });
    for (const { totals, members } of byKey.values()) {
      if (totals.length === 0 || members.length === 0) continue;
      columns.forEach((c, i) => {
        for (const t of totals) {
          groups[i]?.push({
            total: t * width + c,
            members: members.map((m) => m * width + c),
            persons: false,
          });
        }
      });
    }
  }
  return groups;
}

/** Within `tolerance`, every equation whose cells are all shown adds up; and at least one such exists. */
function adds(table: Table, equations: Equation[], width: number, tolerance: number): boolean {
  const value = (p: Position) => columnNumbers(table, p % width)[Math.floor(p / width)] as number;
  let checked = 0;
  for (const e of equations) {
    const values = [e.total, ...e.members].map(value);
    if (values.some(Number.isNaN)) continue;
    const [total = 0, ...members] = values;
    const gap = total - members.reduce((a, b) => a + b, 0);
    if (Math.abs(gap) > tolerance * (e.members.length + 1) + 1e-9 * Math.abs(total)) return false;
    checked++;
  }
  return checked > 0;
}

/**
 * Every margin equation of the table. Person counts are taken as additive (a gap is reported by the
 * rule); other measures only when the table shows them adding up, since means and rates do not.
 */
export function margins(table: Table, roles: ColumnRoles, rounding: number | null): Margins {
  const width = table.header.length;
  const tolerance = rounding === null ? 0 : rounding / 2;
  const personColumns = [...roles.counts, ...(roles.contributors === null ? [] : [roles.contributors])];
  const equations: Equation[] = [];
  const long = longEquations(table, roles, [...personColumns, ...roles.statistics], width);
  long.forEach((group, i) => {
    const persons = i < personColumns.length;
    if (persons || adds(table, group, width, tolerance)) {
      for (const e of group) equations.push({ ...e, persons });
    }
  });
  const measures = [...personColumns, ...roles.statistics];
  const totalColumn = measures.find((c) => isTotalLabel(table.header[c] as string));
  if (totalColumn !== undefined && measures.length > 2) {
    const parts = measures.filter((c) => c !== totalColumn);
    const wide = table.rows.map((_, r) => ({
      total: r * width + totalColumn,
      members: parts.map((c) => r * width + c),
      persons: personColumns.includes(totalColumn),
    }));
    if (adds(table, wide, width, tolerance)) equations.push(...wide);
  }
  return { width, equations };
}

/**
 * Hidden cells the equations give away: repeatedly solve any equation with one unknown left. This
 * finds what a person with a pencil finds; a linear-programming attack can narrow cells further.
 * Returns each recovered position with its recomputed value.
 */
export function recoverable(
  table: Table,
  { width, equations }: Margins,
  hidden: ReadonlySet<Position>,
): Map<Position, number> {
  const value = new Map<Position, number>();
  const known = (p: Position) => !hidden.has(p) || value.has(p);
  const read = (p: Position) =>
    value.get(p) ?? (columnNumbers(table, p % width)[Math.floor(p / width)] as number);
  const containing = new Map<Position, number[]>();
  const unknowns = equations.map((e, i) => {
    let n = 0;
    for (const p of [e.total, ...e.members]) {
      if (known(p)) continue;
      n++;
      const list = containing.get(p);
      if (list) list.push(i);
      else containing.set(p, [i]);
    }
    return n;
  });
  const queue = unknowns.flatMap((n, i) => (n === 1 ? [i] : []));
  while (queue.length > 0) {
    const e = equations[queue.pop() as number] as Equation;
    const cells = [e.total, ...e.members];
    const missing = cells.find((p) => !known(p));
    if (missing === undefined) continue;
    const sum = e.members.filter((p) => p !== missing).reduce((a, p) => a + read(p), 0);
    value.set(missing, missing === e.total ? sum : read(e.total) - sum);
    for (const i of containing.get(missing) ?? []) {
      unknowns[i] = (unknowns[i] as number) - 1;
      if (unknowns[i] === 1) queue.push(i);
    }
  }
  return value;
}
