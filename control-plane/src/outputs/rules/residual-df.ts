/**
 * Regressions need enough residual degrees of freedom: with few, the fitted values pin down
 * individual observations. The value comes from `outputs.yaml` (`residual_df`) or from the table
 * itself (a `df_resid` column or a "Df Residuals" row, as statsmodels and R print them).
 */
import type { CellRef } from '../model.js';
import type { Table } from '../table.js';
import { parseNumber } from '../values.js';
import { findingFor, type TableRule, where } from './rule.js';

const RESIDUAL_DF =
  /^(?:df[ _.]?resid(?:ual)?s?|resid(?:ual)?s?[ _.]?df|df[ _.]?residuals?|residual[ _]degrees[ _]of[ _]freedom)$/i;

/** The residual degrees of freedom a table states, with the cell that states them. */
function statedInTable(table: Table): { df: number; cell: CellRef } | null {
  const column = table.header.findIndex((h) => RESIDUAL_DF.test(h.trim()));
  if (column >= 0) {
    for (let r = 0; r < table.rows.length; r++) {
      const df = parseNumber(table.rows[r]?.[column] as string, table.decimalComma);
      if (df !== null) return { df, cell: table.ref(r, column) };
    }
  }
  for (let r = 0; r < table.rows.length; r++) {
    const row = table.rows[r] as string[];
    if (!RESIDUAL_DF.test((row[0] ?? '').replace(/:$/, '').trim())) continue;
    for (let c = 1; c < row.length; c++) {
      const df = parseNumber(row[c] as string, table.decimalComma);
      if (df !== null) return { df, cell: table.ref(r, c) };
    }
  }
  return null;
}

export const residualDf: TableRule = ({ table, entry, profile }) => {
  const minimum = profile.regression.residualDf;
  const stated =
    entry?.residual_df !== undefined
      ? {
          df: entry.residual_df,
          cell: { row: 0, column: 'residual_df (outputs.yaml)', value: String(entry.residual_df) },
        }
      : entry === undefined || entry.kind === 'regression'
        ? statedInTable(table)
        : null;
  if (!stated) {
    if (entry?.kind !== 'regression') return [];
    return [
      {
        rule: 'residual-df',
        severity: 'review',
        message: `the regression${where(table)} does not state its residual degrees of freedom (residual_df in outputs.yaml): a person must check there are at least ${minimum}`,
        cells: [],
      },
    ];
  }
  return stated.df < minimum
    ? findingFor(
        'residual-df',
        'block',
        [stated.cell],
        `the regression${where(table)} has ${stated.df} residual degrees of freedom, fewer than ${minimum}: its estimates come too close to single observations`,
      )
    : [];
};
