import { birthYear } from '../pseudonym/cpr.js';

/**
 * Issues synthetic CPR numbers the way the CPR office does: the date part is the birth date, the
 * seventh digit places the century (per the official table), the last digit is odd for men and
 * even for women, and the number passes modulus 11 — except the deliberately failing numbers that
 * have been issued since 2007, historically to people registered with 1 January as birth date.
 *
 * Numbers are unique by construction: each (date, sex, kind) walks its own sequence of serial
 * prefixes, and a prefix admits one number that passes modulus 11.
 */

const WEIGHTS = [4, 3, 2, 7, 6, 5, 4, 3, 2];

/** Seventh digits that give `year` for its two-digit year. */
export function centuryDigits(year: number): number[] {
  const yy = year % 100;
  return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((d) => birthYear(yy, d) === year);
}

export class CprIssuer {
  private readonly next = new Map<number, number>();

  /**
   * A new CPR number for a birth date and sex; `failMod11` gives one of the numbers that do not
   * pass modulus 11. Null when the date's serials are exhausted (hundreds per date and sex).
   */
  issue(year: number, month: number, day: number, male: boolean, failMod11: boolean): string | null {
    const yy = year % 100;
    const date = [
      Math.floor(day / 10),
      day % 10,
      Math.floor(month / 10),
      month % 10,
      Math.floor(yy / 10),
      yy % 10,
    ];
    let dateSum = 0;
    for (let i = 0; i < 6; i++) dateSum += (date[i] as number) * (WEIGHTS[i] as number);
    const centuries = centuryDigits(year);
    const key = (((year * 13 + month) * 32 + day) * 2 + (male ? 1 : 0)) * 2 + (failMod11 ? 1 : 0);
    const prefixes = centuries.length * 100;
    let k = this.next.get(key) ?? 0;
    for (; k < prefixes; k++) {
      // Spread consecutive persons over the serials rather than counting up from 0000.
      const p = (k * 37) % prefixes;
      const century = centuries[Math.floor(p / 100)] as number;
      const sum = dateSum + century * 4 + Math.floor((p % 100) / 10) * 3 + (p % 10) * 2;
      const check = (11 - (sum % 11)) % 11;
      const last = failMod11 ? lastFailing(check, male) : check;
      if (last === null || last > 9 || last % 2 !== (male ? 1 : 0)) continue;
      this.next.set(key, k + 1);
      return `${date.join('')}${century}${String(p % 100).padStart(2, '0')}${last}`;
    }
    this.next.set(key, k);
    return null;
  }
}

/** A last digit of the right parity that does not complete modulus 11. */
function lastFailing(check: number, male: boolean): number | null {
  for (let d = male ? 1 : 0; d <= 9; d += 2) if (d !== check) return d;
  return null;
}
