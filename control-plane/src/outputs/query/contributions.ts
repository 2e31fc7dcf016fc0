/**
 * Each person's part in each cell, computed inside the sandbox and handed to the dominance and p%
 * rules compactly: per cell the largest parts, then the rest as equal pieces each no larger than the
 * smallest of them. The largest parts and the total, all those rules read, stay exact.
 */
import type { TableContributions } from '../model.js';
import type { QueryResult } from './sandbox.js';

/** Largest parts kept per cell; (n,k)-dominance uses n of them, p% two. */
export const TOP = 10;
/** At most this many pieces stand for the rest of a cell. */
const PIECES = 1000;

/** SQL over the per-person query (columns c0…: the select list, then the person). */
export function contributionSql(
  byPerson: string,
  width: number,
  keys: number[],
  statistics: number[],
): string {
  const names = Array.from({ length: width + 1 }, (_, i) => `c${i}`).join(', ');
  const parts = statistics.flatMap((s) => [
    `max(abs(c${s}::DOUBLE), ${TOP}) AS top${s}`,
    `sum(abs(c${s}::DOUBLE)) AS total${s}`,
    `count(c${s}) AS n${s}`,
  ]);
  const select = [...keys.map((k) => `c${k}`), ...parts].join(', ');
  return `SELECT ${select} FROM (${byPerson}) AS __by_person(${names}) GROUP BY ALL`;
}

/** `top` as DuckDB prints a list of doubles: `[3.0, 1.5]`. */
function parseList(text: string | null): number[] {
  if (!text) return [];
  return text
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isFinite(n));
}

export function expandParts(top: number[], total: number, count: number): number[] {
  const largest = [...top].sort((a, b) => b - a);
  const rest = total - largest.reduce((a, b) => a + b, 0);
  const smallest = largest.at(-1) ?? 0;
  if (rest <= 0 || smallest <= 0 || count <= largest.length) return largest;
  const pieces = Math.min(Math.ceil(rest / smallest - 1e-9), count - largest.length, PIECES);
  return [...largest, ...Array.from({ length: pieces }, () => rest / pieces)];
}

/**
 * Contributions by file row: `keyOf(row)` gives the cell key of the result row a file row is; cells
 * whose key is not unique in the result get none (the caller reports them).
 */
export function contributionsByRow(
  parts: QueryResult,
  keys: number[],
  statistics: { position: number; column: string }[],
  fileRowKeys: (string | undefined)[],
): TableContributions {
  const byKey = new Map<string, (string | null)[]>();
  for (const row of parts.rows) byKey.set(cellKey(keys.map((_, i) => row[i] ?? null)), row);
  const out: TableContributions = {};
  statistics.forEach(({ column }, s) => {
    const base = keys.length + 3 * s;
    out[column] = fileRowKeys.map((key) => {
      const row = key === undefined ? undefined : byKey.get(key);
      if (!row) return undefined;
      return expandParts(
        parseList(row[base] ?? null),
        Number(row[base + 1] ?? 0),
        Number(row[base + 2] ?? 0),
      );
    });
  });
  return out;
}

export const cellKey = (values: readonly (string | null)[]): string =>
  values.map((v) => (v === null ? '\u0001' : v)).join('\u0000');
