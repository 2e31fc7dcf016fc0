/** What a table rule gets and returns. Rules are pure and independent; `check.ts` runs them all. */
import type { PseudonymIndex } from '../identifiers.js';
import type { FileEntry } from '../metadata.js';
import type { CellRef, CheckContext, Finding, Severity } from '../model.js';
import type { OutputProfile } from '../profile.js';
import type { ColumnRoles } from '../roles.js';
import type { Table } from '../table.js';

export interface TableCheck {
  path: string;
  table: Table;
  entry: FileEntry | undefined;
  roles: ColumnRoles;
  profile: OutputProfile;
  context: CheckContext;
  pseudonyms: PseudonymIndex;
}

export type TableRule = (check: TableCheck) => Finding[];

/** A finding, or none when no cell is affected: rules build their findings through this. */
export function findingFor(rule: string, severity: Severity, cells: CellRef[], message: string): Finding[] {
  return cells.length === 0 ? [] : [{ rule, severity, message, cells }];
}

/** "in HTML table 2" for tables inside a file; nothing for a CSV. */
export const where = (table: Table): string => (table.origin ? ` in ${table.origin}` : '');

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
