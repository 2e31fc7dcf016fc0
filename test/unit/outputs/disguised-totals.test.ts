import t from 'tap';
import { checkOne, frequency, PROFILES } from './support.js';

const YAML = frequency('t.csv', ['region', 'sex'], ['n']);
const totalsRule = (text: string, profile = PROFILES.sds) =>
  checkOne('t.csv', text, { yaml: YAML, profile }).findings.filter((f) => f.rule === 'disguised-totals');

t.test('the only hidden cell of a row with a total is recomputed: blocked', async (t) => {
  const found = totalsRule('region,sex,n\nA,F,*\nA,M,20\nA,Total,23\nB,F,30\nB,M,40\n');
  t.equal(found.length, 1);
  t.same(found[0]?.cells, [{ row: 1, column: 'n', value: '*' }]);
  t.match(found[0]?.message, /n row 1 = 3/);
});

t.test('hidden cells recovered step by step through row and column totals are blocked', async (t) => {
  // Two hidden cells in row A; column F's total gives A,F away, then A's total gives A,M.
  const text = [
    'region,sex,n',
    'A,F,*',
    'A,M,*',
    'A,Total,7',
    'B,F,30',
    'B,M,40',
    'B,Total,70',
    'Total,F,33',
    'Total,M,44',
    'Total,Total,77',
  ].join('\n');
  t.same(
    totalsRule(text)[0]
      ?.cells.map((c) => c.row)
      .sort(),
    [1, 2],
  );
});

t.test('two hidden cells in every margin they share cannot be recomputed: pass', async (t) => {
  const text = [
    'region,sex,n',
    'A,F,*',
    'A,M,*',
    'A,Total,17',
    'B,F,*',
    'B,M,*',
    'B,Total,70',
    'C,F,30',
    'C,M,40',
    'C,Total,70',
    'Total,F,66',
    'Total,M,91',
    'Total,Total,157',
  ].join('\n');
  t.same(totalsRule(text), []);
  t.equal(checkOne('t.csv', text, { yaml: YAML }).verdict, 'pass');
});

t.test('a totals column in a wide table recovers a hidden cell too', async (t) => {
  const yaml = frequency('t.csv', ['region'], ['women', 'men', 'total']);
  const report = checkOne('t.csv', 'region,women,men,total\nA,*,20,23\nB,30,40,70\n', { yaml });
  t.same(report.findings.find((f) => f.rule === 'disguised-totals')?.cells, [
    { row: 1, column: 'women', value: '*' },
  ]);
});

t.test('a total above its shown cells by a small group reveals the persons left out', async (t) => {
  const found = totalsRule('region,sex,n\nA,F,30\nA,M,20\nA,Total,52\nB,F,30\nB,M,40\n');
  t.equal(found.length, 1);
  t.same(found[0]?.cells, [{ row: 3, column: 'n', value: '52' }]);
  t.same(totalsRule('region,sex,n\nA,F,30\nA,M,20\nA,Total,50\n'), [], 'a consistent total passes');
  t.same(
    totalsRule('region,sex,n\nA,F,30\nA,M,20\nA,Total,45\n'),
    [],
    'overlapping cells (total below the sum) pass',
  );
  t.same(totalsRule('region,sex,n\nA,F,30\nA,M,20\nA,Total,70\n'), [], 'a large unlisted group passes');
});

t.test('means are not additive and take no part', async (t) => {
  const yaml = `files:\n  - {path: t.csv, kind: magnitude, dimensions: [region], statistics: [mean_age], contributors: n}\n`;
  const report = checkOne('t.csv', 'region,n,mean_age\nA,20,*\nB,30,50\nTotal,50,46\n', { yaml });
  t.equal(report.findings.filter((f) => f.rule === 'disguised-totals').length, 0);
});
