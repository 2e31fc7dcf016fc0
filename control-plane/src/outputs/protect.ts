/**
 * `klarsyn outputs protect`: fixes a table before it is submitted, with the profile's rules.
 * 1. Totals are recomputed from their cells where the stated total exceeds them (a category left out
 *    of the table would otherwise show as the gap); where cells overlap (a person in several ATC
 *    groups) the cells sum to more and the stated distinct total stays.
 * 2. Primary suppression: person counts below the threshold (and zeros, if the profile says so),
 *    day-level rows below their minimum, magnitude rows with too few contributors.
 * 3. Secondary suppression: while a margin equation has a single hidden cell, the smallest other cell
 *    of it is hidden too, so no hidden cell can be recomputed from the totals.
 * 4. Rounding: with a rounding base, every shown person count becomes the nearest multiple.
 * The result passes the same rules `outputs check` applies; what protect cannot fix (identifiers,
 * individual rows) it leaves for the checker to refuse.
 */

import { KlarsynError } from '../errors.js';
import { columnNumbers } from './columns.js';
import { detectDelimiter, formatRecord, parseCsv } from './csv.js';
import { margins, type Position, recoverable } from './margins.js';
import type { FileEntry } from './metadata.js';
import type { CellRef, OutputFile } from './model.js';
import type { OutputProfile } from './profile.js';
import { columnRoles } from './roles.js';
import { isDayLevelDate, SUPPRESSED_MARKER } from './values.js';

export interface ProtectResult {
  /** The protected table, as CSV with the input's delimiter. */
  csv: string;
  /** Cells hidden because they were too small themselves. */
  suppressed: CellRef[];
  /** Cells hidden so that no hidden cell can be recomputed from the totals. */
  secondary: CellRef[];
  /** Totals replaced by the sum of their cells. */
  totals: CellRef[];
  /** Counts changed by rounding. */
  rounded: CellRef[];
}

function formatNumber(n: number, decimalComma: boolean): string {
  const text = String(Math.round(n * 1e9) / 1e9);
  return decimalComma ? text.replace('.', ',') : text;
}

export function protectTable(
  file: OutputFile,
  entry: FileEntry | undefined,
  profile: OutputProfile,
): ProtectResult {
  if (!/\.(csv|tsv|tab)$/i.test(file.path)) {
    throw new KlarsynError('validation_failed', `${file.path}: protect works on CSV tables only`);
  }
  const text = new TextDecoder().decode(file.bytes);
  const table = parseCsv(text);
  const roles = columnRoles(table, entry);
  const personColumns = [...roles.counts, ...(roles.contributors === null ? [] : [roles.contributors])];
  if (personColumns.length === 0) {
    throw new KlarsynError(
      'validation_failed',
      `${file.path}: no person-count column to protect (declare counts or contributors in outputs.yaml)`,
    );
  }
  const system = margins(table, roles, null);
  const { width } = system;
  const rowOf = (p: Position) => Math.floor(p / width);
  const colOf = (p: Position) => p % width;
  const value = new Map<Position, number>();
  const read = (p: Position) => value.get(p) ?? (columnNumbers(table, colOf(p))[rowOf(p)] as number);

  // 1. Totals from their cells, innermost first: repeat until nothing changes.
  const totals = new Set<Position>();
  for (let changed = true, rounds = 0; changed && rounds <= system.equations.length; rounds++) {
    changed = false;
    for (const e of system.equations) {
      if (!e.persons) continue;
      const sum = e.members.reduce((a, p) => a + read(p), 0);
      if (Number.isNaN(sum) || Number.isNaN(read(e.total)) || sum >= read(e.total)) continue;
      value.set(e.total, sum);
      totals.add(e.total);
      changed = true;
    }
  }

  // 2. Primary suppression.
  const hidden = new Set<Position>();
  const primary = new Set<Position>();
  const hide = (p: Position, into: Set<Position>) => {
    if (!hidden.has(p)) into.add(p);
    hidden.add(p);
  };
  const dayRows = new Set(table.rows.flatMap((row, r) => (row.some((v) => isDayLevelDate(v)) ? [r] : [])));
  table.rows.forEach((_, r) => {
    for (const c of personColumns) {
      const p = r * width + c;
      const n = read(p);
      if (Number.isNaN(n)) hidden.add(p);
      else if (n > 0 && n < profile.counts.threshold) hide(p, primary);
      else if (n === 0 && profile.counts.zeros !== 'allow') hide(p, primary);
      else if (n > 0 && dayRows.has(r) && n < profile.individual.dayLevelMinCount) hide(p, primary);
    }
    if (entry?.kind === 'magnitude' && roles.contributors !== null) {
      const n = read(r * width + roles.contributors);
      if (Number.isNaN(n) || n < profile.magnitude.threshold) {
        for (const c of [roles.contributors, ...roles.statistics]) hide(r * width + c, primary);
      }
    }
  });
  for (const e of system.equations)
    for (const p of [e.total, ...e.members]) if (Number.isNaN(read(p))) hidden.add(p);

  // 3. Secondary suppression until the margins give nothing away.
  const secondary = new Set<Position>();
  while (recoverable(table, system, hidden).size > 0) {
    const exposed = system.equations.find(
      (e) => [e.total, ...e.members].filter((p) => hidden.has(p)).length === 1,
    );
    if (!exposed) break;
    const candidates = [...exposed.members, exposed.total].filter((p) => !hidden.has(p));
    // Hide the smallest cell: it loses the least information. Members before the total.
    const isTotal = (p: Position) => Number(p === exposed.total);
    const [smallest] = candidates.sort((a, b) => isTotal(a) - isTotal(b) || read(a) - read(b));
    if (smallest === undefined) break;
    hide(smallest, secondary);
  }

  // 4. Rounding of every shown person count.
  const rounded = new Set<Position>();
  const base = profile.counts.rounding;
  if (base !== null) {
    table.rows.forEach((_, r) => {
      for (const c of personColumns) {
        const p = r * width + c;
        const n = read(p);
        if (hidden.has(p) || Number.isNaN(n)) continue;
        const to = Math.round(n / base) * base;
        if (to !== n) {
          value.set(p, to);
          rounded.add(p);
        }
      }
    });
  }

  const rows = table.rows.map((row, r) =>
    row.map((cell, c) => {
      const p = r * width + c;
      if (primary.has(p) || secondary.has(p)) return SUPPRESSED_MARKER;
      return value.has(p) ? formatNumber(value.get(p) as number, table.decimalComma) : cell;
    }),
  );
  const delimiter = detectDelimiter(text);
  const refs = (positions: Set<Position>) => [...positions].map((p) => table.ref(rowOf(p), colOf(p)));
  return {
    csv: `${[table.header, ...rows].map((r) => formatRecord(r, delimiter)).join('\n')}\n`,
    suppressed: refs(primary),
    secondary: refs(secondary),
    totals: refs(new Set([...totals].filter((p) => !hidden.has(p)))),
    rounded: refs(rounded),
  };
}
