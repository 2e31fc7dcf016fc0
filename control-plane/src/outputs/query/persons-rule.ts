/**
 * The rule behind query-backed outputs, pure like every other rule: the re-run's own findings (refused
 * SQL, a result that differs from the file), and the minimum count applied to the distinct persons
 * the extract holds behind each row, whatever the file's numbers say. A row that shows any value
 * for fewer persons than the profile allows is blocked.
 */
import type { CellRef, Finding } from '../model.js';
import { findingFor, plural, type TableRule } from '../rules/rule.js';
import { isSuppressed } from '../values.js';

export const queryPersons: TableRule = ({ path, table, entry, roles, profile, context }) => {
  if (!entry?.query || table.origin !== '') return [];
  const evidence = context.queries?.[path];
  if (!evidence) {
    return [
      {
        rule: 'query-unverified',
        severity: 'review',
        message: `declared as the result of ${entry.query}, but the query was not re-run against the extract: its numbers are the researcher's word`,
        cells: [],
      },
    ];
  }
  const findings: Finding[] = [...evidence.findings];
  const persons = evidence.persons;
  if (!persons) return findings;
  const magnitude = entry.kind === 'magnitude';
  const threshold = magnitude ? profile.magnitude.threshold : profile.counts.threshold;
  const dimensions = new Set(roles.dimensions);
  const few: CellRef[] = [];
  const sizes = new Set<number>();
  const nobody: CellRef[] = [];
  table.rows.forEach((row, r) => {
    const n = persons[r];
    if (n === undefined) return;
    const measures = row.flatMap((_, c) => (dimensions.has(c) ? [] : [c]));
    const shown = measures.filter((c) => !isSuppressed(row[c] as string)).map((c) => table.ref(r, c));
    // A row whose values are all hidden shows nothing; one of dimensions only is itself the information.
    if (measures.length > 0 && shown.length === 0) return;
    if (shown.length === 0) shown.push(...row.map((_, c) => table.ref(r, c)));
    if (n === 0) nobody.push(...shown);
    else if (n < threshold) {
      few.push(...shown);
      sizes.add(n);
    }
  });
  const counted = [...sizes].sort((a, b) => a - b).join(', ');
  findings.push(
    ...findingFor(
      'query-persons',
      'block',
      few,
      `${plural(few.length, 'cell')} computed from fewer than ${threshold} distinct persons (${counted}; ${profile.name}${magnitude ? ', contributors' : ''}), counted as pseudonyms in the extract by re-running the query: a group that small can be recognised, whatever the table's own counts say`,
    ),
    ...findingFor(
      'query-persons',
      'review',
      nobody,
      `${plural(nobody.length, 'cell')} whose rows have no person pseudonym in the extract: a person must check what they describe`,
    ),
  );
  return findings;
};
