/**
 * Rows split across files: tables with the same columns are read together, so individual rows cut
 * into pieces small enough to look harmless meet the identifier-column and cohort-size rules whole.
 */
import type { PseudonymIndex } from '../identifiers.js';
import type { CheckContext, Finding } from '../model.js';
import type { OutputProfile } from '../profile.js';
import { columnRoles } from '../roles.js';
import { makeTable } from '../table.js';
import { cohortRows } from './cohort-rows.js';
import { identifierColumns } from './identifier-columns.js';
import type { TableCheck } from './rule.js';

export interface FileTable {
  path: string;
  check: TableCheck;
}

/** Findings by file path for every group of two or more tables with one set of columns. */
export function splitRows(
  tables: readonly FileTable[],
  profile: OutputProfile,
  context: CheckContext,
  pseudonyms: PseudonymIndex,
): Map<string, Finding[]> {
  const groups = new Map<string, FileTable[]>();
  for (const t of tables) {
    const key = [...t.check.table.header].sort().join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const found = new Map<string, Finding[]>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const [first] = group as [FileTable];
    const header = first.check.table.header;
    const rows = group.flatMap(({ check: { table } }) => {
      const order = header.map((h) => table.header.indexOf(h));
      return table.rows.map((row) => order.map((i) => row[i] as string));
    });
    const together = makeTable(header, rows, { decimalComma: first.check.table.decimalComma });
    const check: TableCheck = {
      ...first.check,
      table: together,
      roles: columnRoles(together, first.check.entry),
      profile,
      context,
      pseudonyms,
    };
    const findings = [...identifierColumns(check), ...cohortRows(check)];
    if (findings.length === 0) continue;
    const paths = [...new Set(group.map((g) => g.path))];
    for (const { path, check: own } of group) {
      const others = paths.filter((p) => p !== path).join(', ');
      const mine = findings.map((f) => ({
        rule: 'split-rows',
        severity: f.severity,
        message: `read together with ${others} (same columns, ${rows.length} rows): ${f.message}`,
        cells: f.cells.map((cell) => ({
          ...own.table.ref(-1, Math.max(0, own.table.header.indexOf(cell.column))),
        })),
      }));
      found.set(path, [...(found.get(path) ?? []), ...mine]);
    }
  }
  return found;
}
