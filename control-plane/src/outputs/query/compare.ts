/**
 * Is the file the query's result? Same columns in the same order, and the same rows as a multiset (in
 * any order). Text compares exactly (trimmed), NULL matches an empty or NA cell, and numbers compare
 * as numbers: exactly, or to the precision the file writes (a file showing 2.35 matches 2.3456; one
 * showing 2 matches 2.4), since rounding a result only removes information; a floating-point result
 * may also differ in its last digits (parallel sums add in another order). Anything else is a
 * different result, reported at the first differing cell.
 */
import type { Finding } from '../model.js';
import type { Table } from '../table.js';
import { isMissing, parseNumber } from '../values.js';
import type { QueryResult } from './sandbox.js';

export interface Comparison {
  findings: Finding[];
  /** For each data row of the file, the result row it is (when the whole file matched). */
  rowOf?: number[];
}

const INTEGER = /^[+-]?\d+$/;
/** Relative difference two runs of a floating-point aggregate may show (~n·ε for n rows). */
const FLOAT_NOISE = 1e-12;

/** A number's canonical text: integers exactly (any size), others as JavaScript prints the double. */
function canonicalNumber(s: string): string {
  return INTEGER.test(s) ? BigInt(s).toString() : String(Number(s));
}

function fileKey(table: Table, row: string[]): string {
  return row
    .map((v) => {
      if (isMissing(v.trim())) return '\u0001';
      const n = parseNumber(v, table.decimalComma);
      return n === null ? `t${v.trim()}` : `n${canonicalNumber(v.trim().replace(',', '.'))}`;
    })
    .join('\u0000');
}

function resultKey(result: QueryResult, r: number, width: number): string {
  const row = result.rows[r] as (string | null)[];
  const numeric = result.numeric[r] as boolean[];
  return row
    .slice(0, width)
    .map((v, c) => (v === null ? '\u0001' : numeric[c] ? `n${canonicalNumber(v)}` : `t${v.trim()}`))
    .join('\u0000');
}

/** Decimal places a file's number shows. */
function decimals(raw: string): number {
  const m = /[.,](\d+)$/.exec(raw.trim());
  return m ? (m[1] as string).length : 0;
}

function cellMatches(
  table: Table,
  raw: string,
  value: string | null,
  numeric: boolean,
  floating = false,
): boolean {
  if (value === null) return isMissing(raw.trim());
  if (!numeric) return raw.trim() === value.trim();
  const x = parseNumber(raw, table.decimalComma);
  if (x === null) return false;
  const v = Number(value);
  if (x === v) return true;
  // Floating-point sums depend on the order parallel threads add in: the last digits may differ.
  if (floating && Math.abs(v - x) <= FLOAT_NOISE * Math.abs(v)) return true;
  if (/[eE]/.test(raw)) return false;
  const half = 0.5 * 10 ** -decimals(raw);
  return Math.abs(v - x) <= half * (1 + 1e-9);
}

function rowMatches(table: Table, fileRow: string[], result: QueryResult, r: number): boolean {
  return fileRow.every((raw, c) =>
    cellMatches(
      table,
      raw,
      result.rows[r]?.[c] ?? null,
      result.numeric[r]?.[c] ?? false,
      result.floating?.[c],
    ),
  );
}

const block = (message: string, cells: Finding['cells'] = []): Finding => ({
  rule: 'query-result',
  severity: 'block',
  message,
  cells,
});

/** `width`: the query's own columns (the sandbox may append counting columns after them). */
export function compareResult(
  table: Table,
  result: QueryResult,
  width: number,
  queryName: string,
): Comparison {
  const columns = result.columns.slice(0, width);
  const header = table.header;
  if (columns.length !== header.length || columns.some((c, i) => c !== header[i])) {
    const i = columns.findIndex((c, j) => c !== header[j]);
    const at = i < 0 ? Math.min(columns.length, header.length) : i;
    return {
      findings: [
        block(
          `the file's columns (${header.join(', ')}) are not the columns ${queryName} returns (${columns.join(', ')})`,
          at < header.length ? [table.ref(-1, at)] : [],
        ),
      ],
    };
  }
  const unmatched = new Map<string, number[]>();
  for (let r = 0; r < result.rows.length; r++) {
    const k = resultKey(result, r, width);
    unmatched.set(k, [...(unmatched.get(k) ?? []), r]);
  }
  const rowOf: number[] = new Array(table.rows.length);
  const leftover: number[] = [];
  table.rows.forEach((row, f) => {
    const hits = unmatched.get(fileKey(table, row));
    const r = hits?.shift();
    if (r === undefined) leftover.push(f);
    else rowOf[f] = r;
  });
  // Rows the file rounds: match them to the remaining result rows cell by cell.
  const remaining = new Set([...unmatched.values()].flat());
  const stillLeft: number[] = [];
  for (const f of leftover) {
    const row = table.rows[f] as string[];
    const r = [...remaining].find((q) => rowMatches(table, row, result, q));
    if (r === undefined) stillLeft.push(f);
    else {
      rowOf[f] = r;
      remaining.delete(r);
    }
  }
  const findings: Finding[] = [];
  const first = stillLeft[0];
  if (first !== undefined) findings.push(firstDifference(table, first, result, [...remaining], queryName));
  if (result.rows.length > table.rows.length || (first === undefined && remaining.size > 0)) {
    findings.push(
      block(
        `${queryName} returns ${result.rows.length > table.rows.length ? 'more' : 'other'} rows than the file has (${table.rows.length}): the file is not its result`,
      ),
    );
  }
  return findings.length > 0 ? { findings } : { findings, rowOf };
}

/** The first cell of a file row that no remaining result row explains, against the closest row. */
function firstDifference(
  table: Table,
  f: number,
  result: QueryResult,
  remaining: number[],
  queryName: string,
): Finding {
  const row = table.rows[f] as string[];
  let best = -1;
  let bestScore = -1;
  for (const r of remaining) {
    const score = row.filter((raw, c) =>
      cellMatches(
        table,
        raw,
        result.rows[r]?.[c] ?? null,
        result.numeric[r]?.[c] ?? false,
        result.floating?.[c],
      ),
    ).length;
    if (score > bestScore) {
      best = r;
      bestScore = score;
    }
  }
  if (best < 0)
    return block(`row ${f + 1} of the file is not in the result of ${queryName}`, [table.ref(f, 0)]);
  const c = row.findIndex(
    (raw, c) =>
      !cellMatches(
        table,
        raw,
        result.rows[best]?.[c] ?? null,
        result.numeric[best]?.[c] ?? false,
        result.floating?.[c],
      ),
  );
  const expected = result.rows[best]?.[c] ?? 'NULL';
  return block(
    `the file differs from the result of ${queryName}: row ${f + 1}, column ${table.header[c]} holds ${row[c]} where the query gives ${expected}`,
    [table.ref(f, c)],
  );
}
