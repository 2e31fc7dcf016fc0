/** A table with about as many rows as the cohort has persons is one row per person, whatever it says. */
import { findingFor, type TableRule, where } from './rule.js';

export const cohortRows: TableRule = ({ table, profile, context }) => {
  const cohort = context.cohortSize;
  if (!cohort || cohort <= 0) return [];
  const rows = table.rows.length;
  if (rows < profile.individual.identifierMinRows || rows < profile.individual.cohortRowRatio * cohort)
    return [];
  return findingFor(
    'cohort-size',
    'block',
    [table.ref(-1, 0)],
    `the table${where(table)} has ${rows} rows for a cohort of ${cohort} persons: that is one row per person, not an aggregate`,
  );
};
