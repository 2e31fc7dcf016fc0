/**
 * Pseudonyms and CPR numbers anywhere in a table, the header included (a transposed dump puts
 * persons in the header). Works whatever the metadata says.
 */
import { scanIdentifiers } from '../identifiers.js';
import type { CellRef, Finding } from '../model.js';
import { findingFor, type TableRule, where } from './rule.js';

export const identifierValues: TableRule = ({ table, pseudonyms }) => {
  const byReason = new Map<string, CellRef[]>();
  const scan = (text: string, row: number, column: number) => {
    for (const hit of scanIdentifiers(text, pseudonyms)) {
      const list = byReason.get(hit.reason) ?? [];
      list.push(table.ref(row, column));
      byReason.set(hit.reason, list);
    }
  };
  table.header.forEach((h, c) => {
    scan(h, -1, c);
  });
  for (let r = 0; r < table.rows.length; r++) {
    const row = table.rows[r] as string[];
    for (let c = 0; c < row.length; c++) scan(row[c] as string, r, c);
  }
  return [...byReason].flatMap(([reason, cells]): Finding[] =>
    findingFor(
      reason.includes('CPR') ? 'cpr-number' : 'pseudonym',
      'block',
      cells,
      `values${where(table)} ${reason}: they identify persons, and no individual-level data may leave`,
    ),
  );
};
