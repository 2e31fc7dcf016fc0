import t from 'tap';
import type { TableContributions } from '../../../control-plane/src/outputs/model.js';
import { check, checkOne, file, PROFILES, rules } from './support.js';

const YAML = `files:
  - path: ddd.csv
    kind: magnitude
    dimensions: [region]
    statistics: [ddd_sum, mean_age]
    contributors: patients
`;
const TABLE =
  'region,patients,ddd_sum,mean_age\nHovedstaden,40,12000,61.2\nSjælland,5,900,58.0\nBornholm,4,350,70.5\nFanø,*,*,*\n';

t.test('magnitude cells need at least the profile threshold of contributors', async (t) => {
  const sds = checkOne('ddd.csv', TABLE, { yaml: YAML });
  t.equal(sds.verdict, 'block');
  t.same(
    sds.findings.find((f) => f.rule === 'contributors')?.cells.map((c) => `${c.row}:${c.column}`),
    ['3:patients', '3:ddd_sum', '3:mean_age'],
    'Bornholm (4 contributors) is blocked; Sjælland (exactly 5) passes; hidden Fanø passes',
  );
  t.equal(
    checkOne('ddd.csv', TABLE, { yaml: YAML, profile: PROFILES.dst }).verdict,
    'pass',
    'dst: 3 suffice',
  );
});

t.test('a magnitude table that does not name its contributors needs review', async (t) => {
  const yaml = YAML.replace('    contributors: patients\n', '');
  const report = checkOne('ddd.csv', TABLE.replace(/,\*,\*,\*/, ',10,10,10'), { yaml });
  t.ok(report.findings.some((f) => f.rule === 'contributors' && f.severity === 'review'));
});

t.test('(n,k)-dominance and p% are checked where contribution evidence exists', async (t) => {
  const table = 'region,patients,ddd_sum\nA,10,1000\nB,10,1000\nC,10,1000\nD,10,1000\n';
  const yaml = `files:\n  - {path: ddd.csv, kind: magnitude, dimensions: [region], statistics: [ddd_sum], contributors: patients}\n`;
  const ten = (values: number[]) => values;
  const evidence: TableContributions = {
    ddd_sum: [
      ten([100, 100, 100, 100, 100, 100, 100, 100, 100, 100]), // even: passes both
      ten([910, 10, 10, 10, 10, 10, 10, 10, 10, 10]), // one person holds 91%: both rules
      ten([455, 455, 10, 10, 10, 10, 10, 10, 10, 20]), // two hold 91%: (2,0.9) only
      ten([600, 350, 5, 5, 5, 5, 5, 5, 5, 15]), // top two 95%: both rules
    ],
  };
  const report = check([file('ddd.csv', table)], {
    yaml,
    context: { contributions: { 'ddd.csv': evidence } },
  }).files[0]!;
  t.equal(report.verdict, 'block');
  const rows = (rule: string) => report.findings.find((f) => f.rule === rule)?.cells.map((c) => c.row);
  t.same(rows('dominance'), [2, 3, 4]);
  t.same(rows('p-percent'), [2, 4]);
  t.equal(checkOne('ddd.csv', table, { yaml }).verdict, 'pass', 'without evidence nothing is claimed');
});

t.test('negative contributions dominate by their size', async (t) => {
  const yaml = `files:\n  - {path: m.csv, kind: magnitude, dimensions: [g], statistics: [change], contributors: n}\n`;
  const report = check([file('m.csv', 'g,n,change\nA,6,-905\n')], {
    yaml,
    context: { contributions: { 'm.csv': { change: [[-950, 10, 10, 10, 10, 5]] } } },
  }).files[0]!;
  t.same(rules(report), ['dominance', 'p-percent']);
});

t.test('minimum and maximum values are blocked, as columns or as row labels, declared or not', async (t) => {
  const columns = checkOne('a.csv', 'region,patients,mean_age,max_age,Minimum dose\nA,40,61.2,97,1\n', {
    yaml: `files:\n  - {path: a.csv, kind: magnitude, dimensions: [region], statistics: [mean_age, max_age, Minimum dose], contributors: patients}\n`,
  });
  t.same(
    columns.findings.filter((f) => f.rule === 'min-max').flatMap((f) => f.cells.map((c) => c.column)),
    ['max_age', 'Minimum dose'],
  );
  const rows = checkOne('b.csv', 'statistic,age\nmean,61.2\nmax,97\nminAge,18\n');
  t.same(
    rows.findings.find((f) => f.rule === 'min-max')?.cells.map((c) => c.value),
    ['max', 'minAge'],
  );
  t.equal(rows.verdict, 'block');
  t.equal(checkOne('c.csv', 'minutes,n\n10,12\n').findings.filter((f) => f.rule === 'min-max').length, 0);
});
