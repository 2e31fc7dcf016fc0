/**
 * The individual-level scans on any text (plain text, code, JSON, HTML, notebooks, SVG): pseudonyms
 * and CPR numbers line by line, a line count close to the cohort's size, and many day-level dates.
 */
import { type PseudonymIndex, scanIdentifiers } from '../identifiers.js';
import type { CellRef, CheckContext, Finding } from '../model.js';
import type { OutputProfile } from '../profile.js';
import { isDayLevelDate } from '../values.js';
import { findingFor } from './rule.js';

const DATE_TOKEN = /(?<![\d-])(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{4})(?![\d-])/g;

export function scanText(
  text: string,
  profile: OutputProfile,
  context: CheckContext,
  pseudonyms: PseudonymIndex,
): Finding[] {
  const byReason = new Map<string, CellRef[]>();
  const dates = new Set<string>();
  let lines = 0;
  let lineNo = 0;
  for (const line of text.split(/\r\n|\n|\r/)) {
    lineNo++;
    if (line.trim() === '') continue;
    lines++;
    for (const hit of scanIdentifiers(line, pseudonyms)) {
      const cells = byReason.get(hit.reason) ?? [];
      cells.push({ row: lineNo, column: 'line', value: hit.token });
      byReason.set(hit.reason, cells);
    }
    for (const m of line.matchAll(DATE_TOKEN)) if (isDayLevelDate(m[0])) dates.add(m[0]);
  }
  const findings = [...byReason].flatMap(([reason, cells]) =>
    findingFor(
      reason.includes('CPR') ? 'cpr-number' : 'pseudonym',
      'block',
      cells,
      `the text holds values ${reason}: they identify persons, and no individual-level data may leave`,
    ),
  );
  const { cohortRowRatio, identifierMinRows } = profile.individual;
  const cohort = context.cohortSize;
  if (cohort && lines >= identifierMinRows && lines >= cohortRowRatio * cohort) {
    findings.push({
      rule: 'cohort-size',
      severity: 'block',
      message: `the text has ${lines} lines for a cohort of ${cohort} persons: it reads as one line per person`,
      cells: [],
    });
  }
  if (dates.size >= identifierMinRows) {
    findings.push({
      rule: 'day-level-dates',
      severity: 'review',
      message: `the text holds ${dates.size} different day-level dates: a person must check they are not individual events`,
      cells: [...dates].slice(0, 20).map((value) => ({ row: 0, column: 'text', value })),
    });
  }
  return findings;
}
