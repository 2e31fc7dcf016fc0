/**
 * Minimum and maximum values are one person's value each (the oldest patient, the largest dose), so a
 * column or row labelled as one is blocked in every table, declared or not.
 */
import type { CellRef } from '../model.js';
import { isNumericColumn } from '../roles.js';
import { findingFor, type TableRule, where } from './rule.js';

const EXTREME_WORD =
  /(?:^|[\s_.()-])(?:min|max|minimum|maximum|mindste|største|laveste|højeste|smallest|largest|p0|p100|q0|q100)(?:$|[\s_.()-])/i;
const EXTREME_CAMEL = /^(?:min|max)[A-Z]/;
const isExtreme = (label: string) => EXTREME_WORD.test(label) || EXTREME_CAMEL.test(label);

export const minMax: TableRule = ({ table }) => {
  const cells: CellRef[] = [];
  table.header.forEach((name, c) => {
    if (isExtreme(name) && isNumericColumn(table, c)) cells.push(table.ref(-1, c));
  });
  // Long layouts put the statistic's name in a row label instead (`statistic,value` / `max,97`).
  table.rows.forEach((row, r) => {
    const label = row[0] ?? '';
    if (isExtreme(label) && row.slice(1).some((v) => /\d/.test(v))) cells.push(table.ref(r, 0));
  });
  return findingFor(
    'min-max',
    'block',
    cells,
    `minimum or maximum values${where(table)}: each is a single person's value`,
  );
};
