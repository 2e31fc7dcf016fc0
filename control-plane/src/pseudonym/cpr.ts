/**
 * Danish CPR numbers (personnummer), pure: shape, century, calendar date, sex and the modulus-11
 * check. Modulus 11 is information only: since 2007 the CPR office issues numbers that fail it
 * (first for people registered with 1 January as birth date), so a failing number is never
 * dropped or "fixed"; it is classified `valid_no_mod11`.
 *
 * Source: CPR-kontoret, "Personnummeret i CPR" (the century table below and the weights 4 3 2 7 6 5 4 3 2 1).
 */

export type CprStatus = 'valid' | 'valid_no_mod11' | 'invalid';
export type CprSex = 'M' | 'F';

export interface CprAnalysis {
  /** `DDMMYYSSSS`, or null when the value does not have the shape of a CPR number. */
  normalised: string | null;
  status: CprStatus;
  /** ISO date `YYYY-MM-DD` when the date part is a real calendar date. */
  birthDate: string | null;
  sex: CprSex | null;
}

const MOD11_WEIGHTS = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1] as const;
const SHAPE = /^(\d{6})-?(\d{4})$/;

/** ASCII whitespace only, as the native pseudonymiser (native/cpr.c) trims it. */
const SURROUNDING_SPACE = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g;

/** `DDMMYY-SSSS` or `DDMMYYSSSS` (surrounding ASCII whitespace ignored) → `DDMMYYSSSS`; anything else → null. */
export function normaliseCpr(raw: string): string | null {
  const match = SHAPE.exec(raw.replace(SURROUNDING_SPACE, ''));
  return match ? `${match[1]}${match[2]}` : null;
}

/**
 * Full birth year from the two-digit year and the seventh digit (the first digit of the serial),
 * per the CPR office's table.
 */
export function birthYear(yy: number, seventhDigit: number): number {
  if (seventhDigit <= 3) return 1900 + yy;
  if (seventhDigit === 4 || seventhDigit === 9) return yy <= 36 ? 2000 + yy : 1900 + yy;
  return yy <= 57 ? 2000 + yy : 1800 + yy;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Weighted digit sum divisible by 11. `normalised` must be ten digits. */
export function passesMod11(normalised: string): boolean {
  return mod11OfDigits(Buffer.from(normalised, 'latin1'), 0);
}

function twoDigits(src: Uint8Array, at: number): number {
  return ((src[at] as number) - 48) * 10 + (src[at + 1] as number) - 48;
}

function mod11OfDigits(src: Uint8Array, offset: number): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += ((src[offset + i] as number) - 48) * (MOD11_WEIGHTS[i] as number);
  return sum % 11 === 0;
}

/**
 * Status of the ten ASCII digits at `src[offset..offset+10)`, without building strings: the
 * pseudonymiser classifies every distinct CPR in a register with it.
 */
export function cprStatusOfDigits(src: Uint8Array, offset: number): CprStatus {
  // Plain arithmetic, no helper closure: this runs once per distinct CPR of a register.
  const day = twoDigits(src, offset);
  const month = twoDigits(src, offset + 2);
  const year = birthYear(twoDigits(src, offset + 4), (src[offset + 6] as number) - 48);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 'invalid';
  return mod11OfDigits(src, offset) ? 'valid' : 'valid_no_mod11';
}

export function analyseCpr(raw: string): CprAnalysis {
  const normalised = normaliseCpr(raw);
  if (normalised === null) return { normalised, status: 'invalid', birthDate: null, sex: null };
  const sex: CprSex = (normalised.charCodeAt(9) - 48) % 2 === 1 ? 'M' : 'F';
  const status = cprStatusOfDigits(Buffer.from(normalised, 'latin1'), 0);
  if (status === 'invalid') return { normalised, status, birthDate: null, sex };
  const year = birthYear(Number(normalised.slice(4, 6)), normalised.charCodeAt(6) - 48);
  const birthDate = `${year}-${normalised.slice(2, 4)}-${normalised.slice(0, 2)}`;
  return { normalised, status, birthDate, sex };
}
