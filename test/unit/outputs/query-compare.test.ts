/** Comparing a submitted CSV with a query's result: pure, no DuckDB. */
import t from 'tap';
import { parseCsv } from '../../../control-plane/src/outputs/csv.js';
import { compareResult } from '../../../control-plane/src/outputs/query/compare.js';
import { expandParts } from '../../../control-plane/src/outputs/query/contributions.js';
import type { QueryResult } from '../../../control-plane/src/outputs/query/sandbox.js';

const result = (columns: string[], rows: (string | null)[][]): QueryResult => ({
  columns,
  rows,
  numeric: rows.map((r) => r.map((v, c) => v !== null && c > 0)),
});

const RESULT = result(
  ['region', 'n', 'mean'],
  [
    ['A', '40', '2.3456'],
    ['B', '17', null],
    ['C', '12345678901234567890', '0.30000000000000004'],
  ],
);

t.test('same rows in any order, numbers exactly or to the precision the file shows', async (t) => {
  const csv = 'region,n,mean\nC,12345678901234567890,0.3\nA,40.0,2.35\nB,17,NA\n';
  const c = compareResult(parseCsv(csv), RESULT, 3, 'q.sql');
  t.same(c.findings, []);
  t.same(c.rowOf, [2, 0, 1]);
});

t.test('a semicolon file with decimal commas compares too', async (t) => {
  const c = compareResult(
    parseCsv('region;n;mean\nA;40;2,3\nB;17;\nC;12345678901234567890;0,3\n'),
    RESULT,
    3,
    'q',
  );
  t.same(c.findings, []);
});

t.test('a changed count is named at its cell, with what the query gives', async (t) => {
  const c = compareResult(
    parseCsv('region,n,mean\nA,40,2.35\nB,18,\nC,12345678901234567891,0.3\n'),
    RESULT,
    3,
    'q.sql',
  );
  t.equal(c.rowOf, undefined);
  t.same(c.findings[0]?.cells, [{ row: 2, column: 'n', value: '18' }]);
  t.match(c.findings[0]?.message, /gives 17/);
});

t.test('rounding is read from the digits: 2.4 is not 2.3456, 2 is', async (t) => {
  t.not(
    compareResult(parseCsv('region,n,mean\nA,40,2.4\nB,17,\nC,12345678901234567890,0.3\n'), RESULT, 3, 'q')
      .findings,
    [],
  );
  t.same(
    compareResult(parseCsv('region,n,mean\nA,40,2\nB,17,\nC,12345678901234567890,0.3\n'), RESULT, 3, 'q')
      .findings,
    [],
  );
});

t.test('missing rows, extra rows and other columns are blocked', async (t) => {
  const rules = (csv: string) => compareResult(parseCsv(csv), RESULT, 3, 'q').findings.map((f) => f.severity);
  t.same(rules('region,n,mean\nA,40,2.35\nB,17,\n'), ['block']);
  t.same(
    rules('region,n,mean\nA,40,2.35\nB,17,\nC,12345678901234567890,0.3\nD,5,1\n').includes('block'),
    true,
  );
  t.same(rules('region,patients,mean\nA,40,2.35\nB,17,\nC,12345678901234567890,0.3\n'), ['block']);
});

t.test(
  'contributions: the largest parts and the total stay exact, the rest in pieces no larger',
  async (t) => {
    const parts = expandParts([50, 10, 5], 100, 10);
    t.same(parts.slice(0, 3), [50, 10, 5]);
    t.equal(
      parts.reduce((a, b) => a + b, 0),
      100,
    );
    t.ok(parts.slice(3).every((p) => p <= 5));
    t.same(expandParts([7, 3], 10, 2), [7, 3]);
  },
);

t.test('floating-point noise of parallel sums matches; beyond it does not', async (t) => {
  const r = { ...result(['region', 'ddd'], [['A', '252601.5']]), floating: [false, true] };
  t.same(compareResult(parseCsv('region,ddd\nA,252601.50000000006\n'), r, 2, 'q').findings, []);
  t.equal(compareResult(parseCsv('region,ddd\nA,252601.50001\n'), r, 2, 'q').findings.length, 1);
  const exact = result(['region', 'ddd'], [['A', '252601.5']]);
  t.equal(
    compareResult(parseCsv('region,ddd\nA,252601.50000000006\n'), exact, 2, 'q').findings.length,
    1,
    'not for decimals',
  );
});
