import t, { type Test } from 'tap';
import { protectTable } from '../../../control-plane/src/outputs/protect.js';
import { check, file, frequency, PROFILES } from './support.js';

const YAML = frequency('t.csv', ['region', 'sex'], ['n']);
const ENTRY = { path: 't.csv', kind: 'frequency' as const, dimensions: ['region', 'sex'], counts: ['n'] };
const TABLE = [
  'region,sex,n',
  'A,F,3',
  'A,M,21',
  'A,Total,24',
  'B,F,30',
  'B,M,40',
  'B,Total,70',
  'C,F,12',
  'C,M,18',
  'C,Total,30',
  'Total,F,45',
  'Total,M,79',
  'Total,Total,124',
  '',
].join('\n');

const passes = (t: Test, csv: string, profile = PROFILES.sds) => {
  const report = check([file('t.csv', csv)], { yaml: YAML, profile });
  t.equal(
    report.verdict,
    'pass',
    `the protected table passes ${profile.name}: ${JSON.stringify(report.files[0]?.findings)}`,
  );
};

t.test('a small cell is suppressed, and enough others that the totals do not give it away', async (t) => {
  t.equal(check([file('t.csv', TABLE)], { yaml: YAML }).verdict, 'block');
  const result = protectTable(file('t.csv', TABLE), ENTRY, PROFILES.sds);
  t.same(
    result.suppressed.map((c) => `${c.row}:${c.value}`),
    ['1:3'],
  );
  t.ok(result.secondary.length >= 2, 'at least one more cell in the row and one in the column');
  t.same(result.rounded, []);
  passes(t, result.csv);
});

t.test('opensafely: counts of 7 or fewer redacted, everything rounded to 5', async (t) => {
  const result = protectTable(file('t.csv', TABLE), ENTRY, PROFILES.opensafely);
  t.ok(result.rounded.length > 0);
  t.notOk(
    result.csv
      .split('\n')
      .slice(1)
      .some((line) => /,\d+$/.test(line) && Number(line.split(',').pop()) % 5 !== 0),
    'every shown count is a multiple of 5',
  );
  passes(t, result.csv, PROFILES.opensafely);
});

t.test('a total above its cells by a small group is recomputed from the cells', async (t) => {
  const text = 'region,sex,n\nA,F,30\nA,M,20\nA,Total,52\nB,F,30\nB,M,40\nB,Total,70\n';
  t.equal(check([file('t.csv', text)], { yaml: YAML }).verdict, 'block');
  const result = protectTable(file('t.csv', text), ENTRY, PROFILES.sds);
  t.same(result.totals, [{ row: 3, column: 'n', value: '52' }]);
  t.match(result.csv, /A,Total,50\n/);
  passes(t, result.csv);
});

t.test('zeros are suppressed where the profile calls them disclosive', async (t) => {
  const text = 'region,n\nA,0\nB,40\nC,50\n';
  const entry = { path: 't.csv', kind: 'frequency' as const, dimensions: ['region'], counts: ['n'] };
  t.match(protectTable(file('t.csv', text), entry, PROFILES.acro).csv, /A,\[suppressed\]/);
  t.match(protectTable(file('t.csv', text), entry, PROFILES.sds).csv, /A,0\n/);
});

t.test('magnitude rows with too few contributors lose their statistics', async (t) => {
  const entry = {
    path: 'm.csv',
    kind: 'magnitude' as const,
    dimensions: ['region'],
    statistics: ['ddd'],
    contributors: 'patients',
  };
  const result = protectTable(
    file('m.csv', 'region,patients,ddd\nA,4,300\nB,40,3000\n'),
    entry,
    PROFILES.sds,
  );
  t.equal(result.csv, 'region,patients,ddd\nA,[suppressed],[suppressed]\nB,40,3000\n');
});

t.test('invariant 7: protect refuses what it cannot protect', async (t) => {
  t.throws(() => protectTable(file('notes.txt', 'x'), undefined, PROFILES.sds), {
    code: 'validation_failed',
  });
  t.throws(() => protectTable(file('t.csv', 'region,mean\nA,2.5\n'), undefined, PROFILES.sds), {
    code: 'validation_failed',
    message: /no person-count column/,
  });
});
