import t from 'tap';
import {
  analyseCpr,
  birthYear,
  cprStatusOfDigits,
  isLeapYear,
  normaliseCpr,
  passesMod11,
} from '../../../control-plane/src/pseudonym/cpr.js';
import { Rng } from '../../../control-plane/src/synth/rng.js';

const pad = (n: number, w: number) => String(n).padStart(w, '0');

t.test('normalises DDMMYY-SSSS and DDMMYYSSSS and nothing else', async (t) => {
  t.equal(normaliseCpr('070761-4285'), '0707614285');
  t.equal(normaliseCpr('0707614285'), '0707614285');
  t.equal(normaliseCpr(' 070761-4285 '), '0707614285');
  for (const bad of [
    '',
    '070761 4285',
    '07076-14285',
    '070761428',
    '07076142855',
    'abcdefghij',
    '0707614285x',
  ]) {
    t.equal(normaliseCpr(bad), null, JSON.stringify(bad));
  }
});

t.test('century table of the CPR office', async (t) => {
  // [two-digit year, seventh digit, birth year] per the official table
  const cases: [number, number, number][] = [
    [0, 0, 1900],
    [99, 3, 1999],
    [36, 4, 2036],
    [37, 4, 1937],
    [0, 9, 2000],
    [36, 9, 2036],
    [37, 9, 1937],
    [57, 5, 2057],
    [58, 5, 1858],
    [99, 8, 1899],
    [0, 6, 2000],
    [61, 4, 1961],
  ];
  for (const [yy, d, year] of cases) t.equal(birthYear(yy, d), year, `${pad(yy, 2)} with ${d}`);
  // Property: every (yy, digit) maps into 1858–2057 with the same two-digit year.
  for (let yy = 0; yy < 100; yy++) {
    for (let d = 0; d < 10; d++) {
      const y = birthYear(yy, d);
      if (y % 100 !== yy || y < 1858 || y > 2057) t.fail(`${yy},${d} → ${y}`);
    }
  }
});

t.test('leap years, including 1900 (not) and 2000 (leap)', async (t) => {
  t.notOk(isLeapYear(1900));
  t.ok(isLeapYear(2000));
  t.ok(isLeapYear(1996));
  t.notOk(isLeapYear(2023));
  // 29 February 1900 (seventh digit 0–3) is no date; 29 February 2000 (seventh digit 4–9) is.
  t.equal(analyseCpr('290200-0000').status, 'invalid');
  t.not(analyseCpr('290200-4000').status, 'invalid');
  t.equal(analyseCpr('290200-4000').birthDate, '2000-02-29');
  t.equal(analyseCpr('290296-1234').birthDate, '1996-02-29');
  t.equal(analyseCpr('290297-1234').status, 'invalid');
});

t.test('modulus 11 is information only', async (t) => {
  t.ok(passesMod11('0707614285'));
  const known = analyseCpr('070761-4285');
  t.same(known, { normalised: '0707614285', status: 'valid', birthDate: '1961-07-07', sex: 'M' });
  // A 1 January number that fails modulus 11, as issued since 2007, is still a valid number.
  const jan1 = analyseCpr('0101854001');
  t.notOk(passesMod11('0101854001'));
  t.same(jan1, { normalised: '0101854001', status: 'valid_no_mod11', birthDate: '1985-01-01', sex: 'M' });
  t.equal(analyseCpr('3113001234').status, 'invalid', 'month 13');
  t.equal(analyseCpr('0000001234').status, 'invalid', 'day 0');
  t.equal(analyseCpr('hello').status, 'invalid');
});

t.test('property: every calendar date and serial classifies consistently', async (t) => {
  const rng = new Rng('cpr-property');
  let checked = 0;
  for (let n = 0; n < 20000; n++) {
    const year = 1858 + rng.int(200);
    const month = 1 + rng.int(12);
    const day = 1 + rng.int(31);
    const valid = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
    const digits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((d) => birthYear(year % 100, d) === year);
    if (digits.length === 0) continue;
    const serial = `${rng.pick(digits)}${pad(rng.int(1000), 3)}`;
    const cpr = `${pad(day, 2)}${pad(month, 2)}${pad(year % 100, 2)}${serial}`;
    const a = analyseCpr(cpr);
    const withHyphen = analyseCpr(`${cpr.slice(0, 6)}-${cpr.slice(6)}`);
    if (JSON.stringify(a) !== JSON.stringify(withHyphen)) t.fail(`hyphen changes ${cpr}`);
    if (a.normalised !== cpr) t.fail(`normalised ${cpr}`);
    const expected = !valid ? 'invalid' : passesMod11(cpr) ? 'valid' : 'valid_no_mod11';
    if (a.status !== expected) t.fail(`${cpr}: ${a.status}, expected ${expected}`);
    if (cprStatusOfDigits(Buffer.from(cpr, 'latin1'), 0) !== a.status) t.fail(`byte-level status of ${cpr}`);
    if (valid && a.birthDate !== `${year}-${pad(month, 2)}-${pad(day, 2)}`) t.fail(`birth date of ${cpr}`);
    if (a.sex !== ((cpr.charCodeAt(9) - 48) % 2 === 1 ? 'M' : 'F')) t.fail(`sex of ${cpr}`);
    checked++;
  }
  t.ok(checked > 15000, `${checked} numbers checked`);
});
