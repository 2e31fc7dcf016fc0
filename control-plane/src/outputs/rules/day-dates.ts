/**
 * Day-level dates are quasi-identifiers: a contact or birth date is known to family and colleagues.
 * A row with one must count at least the profile's day-level minimum of persons; without any person
 * counts, rows with day-level dates read as single persons' events.
 */
import { columnNumbers } from '../columns.js';
import type { CellRef } from '../model.js';
import { isDayLevelDate, isMissing } from '../values.js';
import { findingFor, type TableRule, where } from './rule.js';

/** Share of shown values that must be day-level dates for a column to be a date column. */
const DATE_SHARE = 0.8;

export const dayDates: TableRule = ({ table, roles, profile }) => {
  const minimum = profile.individual.dayLevelMinCount;
  const dateColumns = table.header.flatMap((_, c) => {
    let shown = 0;
    let dates = 0;
    // A column stops being a date column once too many of all its rows are something else.
    const allowedOthers = (1 - DATE_SHARE) * table.rows.length;
    for (const row of table.rows) {
      const v = row[c] as string;
      if (isMissing(v)) continue;
      shown++;
      if (isDayLevelDate(v)) dates++;
      else if (shown - dates > allowedOthers) return [];
    }
    return shown > 0 && dates >= DATE_SHARE * shown ? [c] : [];
  });
  // Wide layouts: one column per day.
  const dateHeaders = table.header.flatMap((h, c) => (isDayLevelDate(h) ? [c] : []));
  if (dateColumns.length === 0 && dateHeaders.length === 0) return [];
  const at = where(table);
  const personColumns = [...roles.counts, ...(roles.contributors === null ? [] : [roles.contributors])];
  if (personColumns.length === 0 && dateColumns.length > 0) {
    return findingFor(
      'day-level-dates',
      'block',
      dateColumns.map((c) => table.ref(-1, c)),
      `day-level dates${at} in a table without person counts: each row may be one person's event; use months or years, or add counts`,
    );
  }
  const small: CellRef[] = [];
  const isSmall = (r: number, c: number) => {
    const n = columnNumbers(table, c)[r] as number;
    return n > 0 && n < minimum;
  };
  table.rows.forEach((row, r) => {
    if (!dateColumns.some((c) => isDayLevelDate(row[c] as string))) return;
    for (const c of personColumns) if (isSmall(r, c)) small.push(table.ref(r, c));
  });
  for (const c of dateHeaders) {
    for (let r = 0; r < table.rows.length; r++) if (isSmall(r, c)) small.push(table.ref(r, c));
  }
  return findingFor(
    'day-level-dates',
    'block',
    small,
    `counts below ${minimum} on a single day${at}: with a day-level date, a group that small can be recognised; use weeks or months`,
  );
};
