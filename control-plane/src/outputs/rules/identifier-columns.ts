/**
 * Columns that identify the row's unit: named like a person identifier, or unique per row. A
 * one-dimensional table is unique per row in its dimension too, so uniqueness alone blocks only
 * where nothing else says "aggregate": opaque tokens (codes of eight or more letters and digits), or
 * a table without person counts. Where other columns repeat while this one never does, the rows may
 * be units with attributes (persons with age and sex): a person must look.
 */
import { isIntegerColumn, isNumericColumn } from '../roles.js';
import type { Table } from '../table.js';
import { isMissing } from '../values.js';
import { findingFor, type TableRule, where } from './rule.js';

const PERSON_ID_NAME =
  /^(?:pnr|cpr|cprnr|cpr_?nr|cpr_?nummer|personnummer|person_?id|patient_?id|pid|lbnr|løbenr|pseudonym|pseudo_?id|v_?pnr(?:_encrypted)?|pnr_?enc(?:rypted)?|recnum|record_?id)$/i;
const MIXED_TOKEN = /^(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{8,}$/;
/** Long digit strings identify in a label column; in a measure column they are just large numbers. */
const DIGIT_TOKEN = /^\d{8,}$/;
/** Share of values that must look opaque for the column to count as tokens. */
const OPAQUE_SHARE = 0.9;

function uniqueValues(table: Table, column: number): { unique: boolean; shown: string[] } {
  const seen = new Set<string>();
  const shown: string[] = [];
  for (const row of table.rows) {
    const v = (row[column] as string).trim();
    if (isMissing(v)) continue;
    if (seen.has(v)) return { unique: false, shown };
    seen.add(v);
    shown.push(v);
  }
  return { unique: true, shown };
}

export const identifierColumns: TableRule = ({ table, entry, roles, profile }) => {
  const at = where(table);
  const named = table.header.flatMap((h, c) => (PERSON_ID_NAME.test(h.trim()) ? [table.ref(-1, c)] : []));
  const tokens: number[] = [];
  const uncounted: number[] = [];
  const repeatedBeside: number[] = [];
  const hasPersonCounts = roles.counts.length > 0 || roles.contributors !== null;
  const measures = new Set([...roles.counts, ...roles.statistics, roles.contributors]);
  const uniqueness = table.header.map((_, c) => uniqueValues(table, c));
  table.header.forEach((_, c) => {
    const { unique, shown } = uniqueness[c] as { unique: boolean; shown: string[] };
    if (!unique || shown.length < profile.individual.identifierMinRows) return;
    const isMeasure = measures.has(c);
    const opaque = shown.filter((v) => MIXED_TOKEN.test(v) || (!isMeasure && DIGIT_TOKEN.test(v))).length;
    const numeric = isNumericColumn(table, c);
    if (opaque >= OPAQUE_SHARE * shown.length) tokens.push(c);
    // Means and rates differ in every row by nature; whole numbers there may be row numbers.
    else if (
      !hasPersonCounts &&
      !['regression', 'magnitude'].includes(entry?.kind ?? '') &&
      (!numeric || isIntegerColumn(table, c))
    )
      uncounted.push(c);
    else if (
      hasPersonCounts &&
      !isMeasure &&
      !numeric &&
      uniqueness.some((u, o) => o !== c && !u.unique && !measures.has(o))
    )
      repeatedBeside.push(c);
  });
  const header = (cs: number[]) => cs.map((c) => table.ref(-1, c));
  return [
    ...findingFor(
      'identifier-column',
      'block',
      named,
      `columns${at} named like a person identifier: no individual-level data may leave`,
    ),
    ...findingFor(
      'identifier-column',
      'block',
      header(tokens),
      `columns${at} hold a different code of letters and digits in every row, as identifiers do`,
    ),
    ...findingFor(
      'identifier-column',
      'block',
      header(uncounted),
      `columns${at} have a different value in every row of a table without person counts: the rows read as single persons`,
    ),
    ...findingFor(
      'identifier-column',
      'review',
      header(repeatedBeside),
      `columns${at} have a different value in every row while other columns repeat: a person must check the rows are not single persons`,
    ),
  ];
};
