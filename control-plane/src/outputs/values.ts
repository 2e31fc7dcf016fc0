/** How the rules read a cell: a number, a missing value, a suppression marker or a totals label. */

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMBER_DECIMAL_COMMA = /^[+-]?(?:\d+(?:,\d*)?|,\d+)$/;

/** The number a cell holds, or null. A decimal comma is read only where the file uses one. */
export function parseNumber(raw: string, decimalComma = false): number | null {
  const s = raw.trim();
  if (s.length === 0) return null;
  if (NUMBER.test(s)) return Number(s);
  if (decimalComma && NUMBER_DECIMAL_COMMA.test(s)) return Number(s.replace(',', '.'));
  return null;
}

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '.', '-', '–', '—']);

/** Empty or a missing-value code written by R, pandas, Stata or SAS. */
export function isMissing(raw: string): boolean {
  // Every code is empty, punctuation or starts with n; the longest has four characters. Most cells
  // are ruled out by their first character, which matters on tables of 100k cells.
  const first = raw.charCodeAt(0) | 32;
  if ((first >= 48 && first <= 57) || (first >= 97 && first <= 122 && first !== 110)) return false;
  return raw.length <= 16 && MISSING.has(raw.trim().toLowerCase());
}

const SUPPRESSED = new Set([
  '*',
  '**',
  '***',
  'x',
  'c', // Eurostat: confidential
  '..', // Statistics Denmark's StatBank: confidential
  ':',
  '[suppressed]',
  'suppressed',
  '[redacted]',
  'redacted',
  '[masked]',
  'masked',
]);
/** `<5`, `< 5`, `<=7`, `≤7`, `0-4`, `1–4`: a range that says only that the count is small. */
const SMALL_RANGE = /^(?:(?:<|<=|≤)\s*\d+|\d+\s*[-–]\s*\d+)$/;

/** A cell the author hid: a marker or a "fewer than" range. Missing values count as hidden too. */
export function isSuppressed(raw: string): boolean {
  const s = raw.trim().toLowerCase();
  return SUPPRESSED.has(s) || SMALL_RANGE.test(s) || MISSING.has(s);
}

/** The marker `klarsyn outputs protect` writes into a suppressed cell. */
export const SUPPRESSED_MARKER = '[suppressed]';

const TOTAL =
  /^(?:total|totals|grand total|i alt|ialt|i alt i alt|alle|all|overall|sum|samlet|hele landet|\(all\))$/i;

/** A row or column label that marks a margin (totals row, "I alt" column). */
/** First letters of the labels above: other cells are ruled out without the expression. */
const TOTAL_FIRST = new Set([...'tgiaosh( '].map((c) => c.charCodeAt(0)));

export function isTotalLabel(raw: string): boolean {
  return raw.length <= 24 && TOTAL_FIRST.has(raw.charCodeAt(0) | 32) && TOTAL.test(raw.trim());
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const EUROPEAN_DAY = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/;

/** A date at day level (2021-03-04, 2021-03-04T10:00, 04.03.2021, 4/3/2021): a quasi-identifier. */
export function isDayLevelDate(raw: string): boolean {
  const lead = raw.charCodeAt(0);
  if (lead !== 32 && (lead < 48 || lead > 57)) return false;
  const s = raw.trim();
  const first = s.charCodeAt(0);
  if (s.length < 8 || s.length > 35 || first < 48 || first > 57) return false;
  let m = ISO_DAY.exec(s);
  if (m) return isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = EUROPEAN_DAY.exec(s);
  return m !== null && isCalendarDate(Number(m[3]), Number(m[2]), Number(m[1]));
}
