import { CprIssuer } from './cpr-issuer.js';
import { CONDITIONS, DENMARK, MUNICIPALITIES, ORIGINS } from './reference-data.js';
import { type Rng, WeightedPicker } from './rng.js';

/**
 * The background population every synthetic register draws from, held column-wise (typed arrays)
 * so a few million persons stay cheap. Dates are days since 1970-01-01, the way DuckDB stores DATE.
 */
export const NO_DATE = -2147483648;
export const NONE = -1;
export const FIRST_YEAR = 1920;
export const LAST_YEAR = 2024;
const DAY_MS = 86_400_000;

export interface Population {
  size: number;
  cpr: string[];
  birth: Int32Array;
  birthYear: Int16Array;
  male: Uint8Array;
  kom: Int16Array;
  region: Int8Array;
  origin: Int16Array;
  mother: Int32Array;
  father: Int32Array;
  spouse: Int32Array;
  death: Int32Array;
  civst: string[];
  /** Bit i set: the person has CONDITIONS[i]. */
  conditions: Uint16Array;
}

export function dayOf(year: number, month = 1, day = 1): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function ageBand(age: number): 0 | 1 | 2 | 3 {
  return age < 18 ? 0 : age < 45 ? 1 : age < 65 ? 2 : 3;
}

/** Yearly probability of dying (a Gompertz curve, roughly Danish levels). */
function mortality(age: number): number {
  return Math.min(0.35, 0.00004 * Math.exp(0.095 * age));
}

export function generatePopulation(size: number, rng: Rng, onPerson: (done: number) => void): Population {
  const p: Population = {
    size,
    cpr: new Array<string>(size),
    birth: new Int32Array(size),
    birthYear: new Int16Array(size),
    male: new Uint8Array(size),
    kom: new Int16Array(size),
    region: new Int8Array(size),
    origin: new Int16Array(size),
    mother: new Int32Array(size).fill(NONE),
    father: new Int32Array(size).fill(NONE),
    spouse: new Int32Array(size).fill(NONE),
    death: new Int32Array(size).fill(NO_DATE),
    civst: new Array<string>(size),
    conditions: new Uint16Array(size),
  };
  const years = Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => FIRST_YEAR + i);
  const yearPicker = new WeightedPicker(
    years,
    years.map((y) => {
      const age = LAST_YEAR - y;
      return age < 75 ? 1 : Math.max(0.03, 1 - (age - 75) / 25);
    }),
  );
  const komPicker = new WeightedPicker(
    MUNICIPALITIES.map(([kom, reg]) => [kom, reg] as const),
    MUNICIPALITIES.map(([, , w]) => w),
  );
  const originPicker = new WeightedPicker(
    ORIGINS.map(([code]) => code),
    ORIGINS.map(([, w]) => w),
  );
  const issuer = new CprIssuer();
  const end = dayOf(LAST_YEAR + 1);
  for (let i = 0; i < size; i++) {
    const year = yearPicker.pick(rng);
    const origin = originPicker.pick(rng);
    // People registered without a known birthday get 1 January; since 2007 some of their numbers fail modulus 11.
    const unknownBirthday = origin !== DENMARK && rng.chance(0.25);
    const birth = unknownBirthday ? dayOf(year) : Math.min(end - 1, dayOf(year) + rng.int(365));
    const male = rng.chance(0.5);
    const failMod11 = unknownBirthday && rng.chance(0.5);
    p.cpr[i] = issue(issuer, birth, male, failMod11);
    p.birth[i] = birth;
    p.birthYear[i] = year;
    p.male[i] = male ? 1 : 0;
    const [kom, reg] = komPicker.pick(rng);
    p.kom[i] = kom;
    p.region[i] = reg;
    p.origin[i] = origin;
    const ageAtEnd = LAST_YEAR - year;
    const band = ageBand(ageAtEnd);
    let conditions = 0;
    CONDITIONS.forEach((c, bit) => {
      if (rng.chance(c.prevalence[band])) conditions |= 1 << bit;
    });
    p.conditions[i] = conditions;
    for (let y = Math.max(2010, year); y <= LAST_YEAR; y++) {
      if (rng.chance(mortality(y - year) * (1 + countBits(conditions) * 0.15))) {
        p.death[i] = Math.max(birth, dayOf(y) + rng.int(365));
        break;
      }
    }
    if ((i & 0x3fff) === 0) onPerson(i);
  }
  linkFamilies(p, rng);
  return p;
}

function issue(issuer: CprIssuer, birth: number, male: boolean, failMod11: boolean): string {
  // A date's serials run out only in populations far larger than Denmark's; then a day later is used.
  for (let shift = 0; ; shift++) {
    const d = new Date((birth + shift) * DAY_MS);
    const cpr = issuer.issue(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), male, failMod11);
    if (cpr !== null) return cpr;
  }
}

export function countBits(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

/** Parents about 18–45 years older, spouses of similar age; children live with their mother. */
function linkFamilies(p: Population, rng: Rng): void {
  const byYear = new Map<string, number[]>();
  for (let i = 0; i < p.size; i++) {
    const key = `${p.birthYear[i]}${p.male[i] ? 'M' : 'F'}`;
    const list = byYear.get(key);
    if (list) list.push(i);
    else byYear.set(key, [i]);
  }
  const someone = (year: number, male: boolean) => {
    const list = byYear.get(`${year}${male ? 'M' : 'F'}`);
    return list && list.length > 0 ? (list[rng.int(list.length)] as number) : NONE;
  };
  for (let i = 0; i < p.size; i++) {
    const year = p.birthYear[i] as number;
    if (year < 1960 || p.origin[i] !== DENMARK) continue;
    const mother = someone(year - 18 - rng.int(24), false);
    const father = someone(year - 20 - rng.int(26), true);
    if (mother !== NONE && rng.chance(0.97)) {
      p.mother[i] = mother;
      p.kom[i] = p.kom[mother] as number;
      p.region[i] = p.region[mother] as number;
    }
    if (father !== NONE && rng.chance(0.93)) p.father[i] = father;
  }
  const married = new Uint8Array(p.size);
  for (let i = 0; i < p.size; i++) {
    const year = p.birthYear[i] as number;
    const age = LAST_YEAR - year;
    if (p.male[i] && age >= 22 && !married[i] && rng.chance(0.6)) {
      const wife = someone(year + rng.int(7) - 2, false);
      if (wife !== NONE && !married[wife] && LAST_YEAR - (p.birthYear[wife] as number) >= 20) {
        married[i] = married[wife] = 1;
        p.spouse[i] = wife;
        p.spouse[wife] = i;
      }
    }
  }
  for (let i = 0; i < p.size; i++) {
    const age = LAST_YEAR - (p.birthYear[i] as number);
    p.civst[i] = married[i]
      ? 'G'
      : age < 30
        ? 'U'
        : rng.pick(age >= 70 ? ['U', 'F', 'E', 'E'] : ['U', 'U', 'F']);
  }
}
