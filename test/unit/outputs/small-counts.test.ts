import t from 'tap';
import { checkOne, frequency, PROFILES, rules } from './support.js';

const YAML = frequency('t.csv', ['region'], ['n']);
/** One region per count, plus a fixed large row so a table never reads as all ones. */
const table = (...counts: (number | string)[]) =>
  `region,n\n${counts.map((n, i) => `R${i},${n}`).join('\n')}\nBig,100\n`;
const verdict = (profile: keyof typeof PROFILES, ...counts: (number | string)[]) =>
  checkOne('t.csv', table(...counts), { yaml: YAML, profile: PROFILES[profile] });

t.test('a cell exactly at the threshold passes; one below is blocked (per profile)', async (t) => {
  const cases: [keyof typeof PROFILES, number, number][] = [
    ['sds', 5, 4],
    ['dst', 3, 2],
    ['acro', 10, 9],
    ['opensafely', 10, 5], // 8 is the smallest shown count, but counts must be multiples of 5
  ];
  for (const [profile, atThreshold, below] of cases) {
    t.equal(verdict(profile, atThreshold).verdict, 'pass', `${profile}: ${atThreshold} passes`);
    const blocked = verdict(profile, below);
    t.equal(blocked.verdict, 'block', `${profile}: ${below} is blocked`);
    t.same(blocked.findings[0]?.cells, [{ row: 1, column: 'n', value: String(below) }]);
    t.equal(blocked.findings[0]?.rule, 'small-counts');
  }
  t.equal(verdict('opensafely', 7).verdict, 'block', 'opensafely: 7 is redacted');
  t.equal(verdict('opensafely', 8).findings[0]?.rule, 'rounding', 'opensafely: 8 shown but not rounded');
  t.equal(verdict('opensafely', 15).verdict, 'pass');
  t.equal(verdict('sds', 1).verdict, 'block', 'a single person');
});

t.test('zeros per profile: shown under sds, dst and opensafely, disclosive under acro', async (t) => {
  t.equal(verdict('sds', 0).verdict, 'pass');
  t.equal(verdict('dst', 0).verdict, 'pass');
  t.equal(verdict('opensafely', 0).verdict, 'pass');
  const acro = verdict('acro', 0);
  t.equal(acro.verdict, 'block');
  t.same(rules(acro), ['zeros']);
});

t.test('negative counts are blocked; fractions and text in a count column need review', async (t) => {
  t.same(rules(verdict('sds', -3)), ['negative-counts']);
  t.equal(verdict('sds', -3).verdict, 'block');
  const odd = verdict('sds', 5.5, 'many');
  t.equal(odd.verdict, 'review');
  t.same(rules(odd), ['count-values']);
  t.equal(odd.findings[0]?.cells.length, 2);
});

t.test('missing and suppressed counts pass when nothing recomputes them', async (t) => {
  for (const hidden of ['', 'NA', '*', '<5', '[suppressed]', '..']) {
    t.equal(verdict('sds', hidden, 12).verdict, 'pass', JSON.stringify(hidden));
  }
});

t.test('totals rows are cells too: a small total is blocked like any cell', async (t) => {
  const report = checkOne('t.csv', 'region,sex,n\nR1,F,2\nR1,M,2\nR1,Total,4\nBig,F,100\n', {
    yaml: frequency('t.csv', ['region', 'sex'], ['n']),
  });
  t.equal(report.verdict, 'block');
  t.same(
    report.findings.find((f) => f.rule === 'small-counts')?.cells.map((c) => c.value),
    ['2', '2', '4'],
  );
});

t.test('an undeclared table is at best review, and its guessed counts are still checked', async (t) => {
  const clean = checkOne('t.csv', table(12, 30));
  t.equal(clean.verdict, 'review');
  t.same(rules(clean), ['undeclared']);
  const small = checkOne('t.csv', table(2, 30));
  t.equal(small.verdict, 'block', 'a column named n is read as a person count');
});

t.test('declared columns the table lacks make the declaration untrustworthy: review', async (t) => {
  const report = checkOne('t.csv', table(12), { yaml: frequency('t.csv', ['region'], ['patients']) });
  t.equal(report.verdict, 'review');
  t.match(report.findings.find((f) => f.rule === 'metadata')?.message, /patients/);
});
