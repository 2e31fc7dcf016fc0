/**
 * Query-backed outputs: the control plane re-runs the researcher's DuckDB query against the extract
 * in a sandbox, confirms the file is its result, and counts persons and contributions itself.
 */
import t from 'tap';
import { checkOutputs } from '../../../control-plane/src/outputs/check.js';
import { parseOutputsMetadata } from '../../../control-plane/src/outputs/metadata.js';
import type { FileReport } from '../../../control-plane/src/outputs/model.js';
import { loadProfile } from '../../../control-plane/src/outputs/profile-files.js';
import { checkWithExtract, readLocalExtract } from '../../../control-plane/src/outputs/query/index.js';
import { QuerySandbox } from '../../../control-plane/src/outputs/query/sandbox.js';
import { file, makeExtract, resultCsv, type TestExtract } from './support.js';

const sds = loadProfile('sds');
let extract: TestExtract;
t.before(async () => {
  extract = await makeExtract();
});

const HONEST = `SELECT region, count(DISTINCT pnr) AS patients, sum(ddd) AS ddd_sum
FROM lmdb JOIN bef USING (pnr)
WHERE atc = 'N06AB'
GROUP BY region
HAVING count(DISTINCT pnr) >= 5
ORDER BY region`;

const MAGNITUDE = (extra = '') =>
  `files:\n  - {path: t.csv, kind: magnitude, dimensions: [region], statistics: [ddd_sum], contributors: patients, query: t.sql${extra}}\n`;

async function checkQuery(
  sql: string,
  csv: string,
  yaml: string,
  options: { timeoutMs?: number } = {},
): Promise<FileReport> {
  const report = await checkWithExtract(
    { files: [file('t.csv', csv), file('t.sql', sql)], metadata: parseOutputsMetadata(yaml), profile: sds },
    extract.dir,
    options.timeoutMs ? { limits: { timeoutMs: options.timeoutMs } } : {},
  );
  return report.files.find((f) => f.path === 't.csv') as FileReport;
}

const rules = (r: FileReport, severity?: string) =>
  [...new Set(r.findings.filter((f) => !severity || f.severity === severity).map((f) => f.rule))].sort();

t.test('an honest query and its result pass', async (t) => {
  const csv = await resultCsv(extract, HONEST);
  const r = await checkQuery(HONEST, csv, MAGNITUDE(', persons: pnr'));
  t.equal(r.verdict, 'pass', JSON.stringify(r.findings));
});

t.test('the result may be in another order and rounded to fewer decimals', async (t) => {
  const csv = 'region,patients,ddd_sum\nB,17,170\nA,40,800.0\n';
  const r = await checkQuery(HONEST, csv, MAGNITUDE(', persons: pnr'));
  t.equal(r.verdict, 'pass', JSON.stringify(r.findings));
});

t.test('a tampered result is blocked at the first differing cell', async (t) => {
  const csv = (await resultCsv(extract, HONEST)).replace('B,17,', 'B,18,');
  const r = await checkQuery(HONEST, csv, MAGNITUDE(', persons: pnr'));
  t.equal(r.verdict, 'block');
  const f = r.findings.find((f) => f.rule === 'query-result');
  t.same(f?.cells, [{ row: 2, column: 'patients', value: '18' }]);
  t.match(f?.message, /where the query gives 17/);
});

t.test('a result with rows added, left out or other columns is blocked', async (t) => {
  const csv = await resultCsv(extract, HONEST);
  const y = MAGNITUDE(', persons: pnr');
  t.same(rules(await checkQuery(HONEST, `${csv}C,5,50\n`, y), 'block'), ['query-result']);
  t.same(rules(await checkQuery(HONEST, csv.split('\n').slice(0, 2).join('\n'), y), 'block'), [
    'query-result',
  ]);
  const renamed = csv.replace('ddd_sum', 'ddd_total');
  t.ok(rules(await checkQuery(HONEST, renamed, y), 'block').includes('query-result'));
});

t.test(
  'invariant 1: cells that look large but hold fewer distinct persons than the threshold are blocked',
  async (t) => {
    // count(*) counts prescriptions: region C shows 30, from 3 persons.
    const sql = 'SELECT region, count(*) AS patients FROM lmdb JOIN bef USING (pnr) GROUP BY region';
    const csv = await resultCsv(extract, sql);
    t.match(csv, /C,30/);
    const yaml =
      'files:\n  - {path: t.csv, kind: frequency, dimensions: [region], counts: [patients], query: t.sql, persons: pnr}\n';
    const unchecked = checkOutputs({
      files: [file('t.csv', csv)],
      metadata: parseOutputsMetadata(yaml),
      profile: sds,
    }).files[0] as FileReport;
    t.same(rules(unchecked, 'block'), [], 'the table alone looks harmless');
    t.same(rules(unchecked), ['query-unverified'], 'and is unverified without the extract');
    const r = await checkQuery(sql, csv, yaml);
    t.equal(r.verdict, 'block');
    const f = r.findings.find((f) => f.rule === 'query-persons' && f.severity === 'block');
    t.match(f?.message, /fewer than 5 distinct persons \(3/);
    t.same(
      f?.cells.map((c) => c.value),
      ['30'],
    );
  },
);

t.test('invariant 1: dominance and p% use the real per-person contributions', async (t) => {
  const sql = 'SELECT atc, count(DISTINCT pnr) AS patients, sum(ddd) AS ddd_sum FROM lmdb GROUP BY atc';
  const csv = await resultCsv(extract, sql);
  const yaml =
    'files:\n  - {path: t.csv, kind: magnitude, dimensions: [atc], statistics: [ddd_sum], contributors: patients, query: t.sql}\n';
  const r = await checkQuery(sql, csv, yaml);
  t.same(rules(r, 'block'), ['dominance', 'p-percent']);
  const cell = r.findings.find((f) => f.rule === 'dominance')?.cells[0];
  t.equal(cell?.column, 'ddd_sum');
  t.equal(csv.split('\n')[cell?.row as number]?.split(',')[0], 'X99');
});

t.test('invariant 1: a mean is checked on the sums behind it', async (t) => {
  const sql =
    'SELECT atc, count(DISTINCT pnr) AS patients, round(avg(ddd), 1) AS ddd_mean FROM lmdb GROUP BY atc';
  const csv = await resultCsv(extract, sql);
  const yaml =
    'files:\n  - {path: t.csv, kind: magnitude, dimensions: [atc], statistics: [ddd_mean], contributors: patients, query: t.sql}\n';
  t.ok(rules(await checkQuery(sql, csv, yaml), 'block').includes('dominance'));
});

t.test('invariant 1: max() and row-level queries are blocked whatever the columns are called', async (t) => {
  const sql = 'SELECT region, count(DISTINCT pnr) AS patients, max(year) AS typical FROM bef GROUP BY region';
  const yaml =
    'files:\n  - {path: t.csv, kind: frequency, dimensions: [region], counts: [patients], query: t.sql, persons: pnr}\n';
  const r = await checkQuery(sql, await resultCsv(extract, sql), yaml);
  t.ok(rules(r, 'block').includes('query-statistics'));
  const rows = 'SELECT region, sex FROM bef';
  const r2 = await checkQuery(rows, await resultCsv(extract, rows), yaml.replace('counts: [patients], ', ''));
  t.ok(rules(r2, 'block').includes('query-rows'));
});

t.test('persons: must name a person-pseudonym column; several in scope without it need review', async (t) => {
  const sql = "SELECT region, count(*) AS patients FROM bef WHERE region <> 'C' GROUP BY region";
  const csv = await resultCsv(extract, sql);
  const yaml = (persons: string) =>
    `files:\n  - {path: t.csv, kind: frequency, dimensions: [region], counts: [patients], query: t.sql${persons}}\n`;
  t.equal((await checkQuery(sql, csv, yaml(', persons: pnr'))).verdict, 'pass');
  t.same(rules(await checkQuery(sql, csv, yaml(''))), ['query-persons'], 'pnr and mor_id: ambiguous');
  t.same(rules(await checkQuery(sql, csv, yaml(', persons: region')), 'block'), ['query-persons']);
  t.same(rules(await checkQuery(sql, csv, yaml(', persons: md5(region)')), 'block'), ['query-persons']);
  const records = 'SELECT atc, count(DISTINCT record_id) AS patients FROM lmdb GROUP BY atc';
  const r = await checkQuery(records, await resultCsv(extract, records), yaml(', persons: record_id'));
  t.same(rules(r, 'block'), ['query-persons'], 'a record pseudonym is not a person');
});

t.test('persons followed through a subquery and a CTE', async (t) => {
  const sub =
    'WITH p AS (SELECT DISTINCT pnr, region FROM bef) SELECT region, count(*) AS patients FROM (SELECT * FROM p) q GROUP BY region';
  const r = await checkQuery(
    sub,
    await resultCsv(extract, sub),
    'files:\n  - {path: t.csv, kind: frequency, dimensions: [region], counts: [patients], query: t.sql}\n',
  );
  t.equal(r.verdict, 'block');
  t.same(rules(r, 'block'), ['query-persons', 'small-counts']);
  t.match(r.findings.find((f) => f.rule === 'query-persons')?.message, /\(3;/);
});

t.test('queries the verifier cannot analyse get review or block, never a silent pass', async (t) => {
  const yaml =
    'files:\n  - {path: t.csv, kind: frequency, dimensions: [region], counts: [n], query: t.sql, persons: pnr}\n';
  const cases = [
    "SELECT region, count(DISTINCT pnr) AS n FROM bef WHERE region = 'A' GROUP BY region UNION ALL SELECT 'X', 40",
    'SELECT region, count(DISTINCT pnr) - lag(count(DISTINCT pnr)) OVER (ORDER BY region) AS n FROM bef GROUP BY region',
    'SELECT DISTINCT region, 40 AS n FROM bef',
  ];
  for (const sql of cases) {
    const r = await checkQuery(sql, await resultCsv(extract, sql), yaml);
    t.not(r.verdict, 'pass', sql);
    t.ok(
      r.findings.some((f) => f.rule.startsWith('query-')),
      sql,
    );
  }
});

const REFUSED: [string, string][] = [
  ['read_csv of a file', "SELECT * FROM read_csv('/etc/passwd')"],
  ['a file named as a table', "SELECT count(*) AS n FROM '/etc/passwd'"],
  ['read_parquet of the extract file', `SELECT count(*) AS n FROM read_parquet('${'X'}')`],
  ['the query() table function', "SELECT * FROM query('SELECT 1')"],
  [
    'a subquery reading a file',
    "SELECT region, (SELECT count(*) FROM read_text('/etc/hostname')) AS n FROM bef GROUP BY region",
  ],
  ['COPY', "COPY (SELECT * FROM bef) TO '/tmp/klarsyn-leak.csv'"],
  ['ATTACH', "ATTACH '/tmp/klarsyn-leak.db' AS leak"],
  ['INSTALL', 'INSTALL httpfs'],
  ['LOAD', 'LOAD httpfs'],
  ['SET', 'SET enable_external_access = true'],
  ['multiple statements', 'SELECT region, count(*) AS n FROM bef GROUP BY region; SELECT * FROM bef'],
  ['a system catalog', 'SELECT * FROM system.main.duckdb_settings'],
  ['CREATE', 'CREATE TABLE x AS SELECT * FROM bef'],
];

for (const [what, sql] of REFUSED) {
  t.test(`invariant 1: a query using ${what} is refused`, async (t) => {
    const text = sql.replace("'X'", `'${extract.dir}/bef.parquet'`);
    const r = await checkQuery(
      text,
      'region,n\nA,40\n',
      'files:\n  - {path: t.csv, kind: frequency, dimensions: [region], counts: [n], query: t.sql}\n',
    );
    t.equal(r.verdict, 'block');
    t.same(rules(r, 'block'), ['query-refused'], JSON.stringify(r.findings));
  });
}

t.test('invariant 1: the sandbox itself reads no file and changes no setting', async (t) => {
  const sandbox = await QuerySandbox.open(readLocalExtract(extract.dir));
  t.teardown(() => sandbox.close());
  await t.rejects(sandbox.run("SELECT * FROM read_csv('/etc/passwd')"), /Permission Error/);
  await t.rejects(sandbox.run("COPY (SELECT 1) TO '/tmp/klarsyn-sandbox-leak.csv'"), /Permission Error/);
  await t.rejects(sandbox.run("ATTACH '/tmp/klarsyn-sandbox-leak.db'"), /Permission Error/);
  await t.rejects(sandbox.run('SET enable_external_access = true'), /locked/);
  await t.rejects(sandbox.run('INSTALL httpfs'), /Permission Error|disabled/);
  const ok = await sandbox.run('SELECT count(*) AS n FROM bef');
  t.same(ok.rows, [['60']]);
});

t.test('a runaway query is interrupted and the file blocked', async (t) => {
  const sql =
    'SELECT a.region, count(*) AS n FROM bef a, bef b, bef c, bef d, bef e, bef f GROUP BY a.region';
  const started = Date.now();
  const r = await checkQuery(
    sql,
    'region,n\nA,100\n',
    'files:\n  - {path: t.csv, kind: frequency, dimensions: [region], counts: [n], query: t.sql, persons: a.pnr}\n',
    { timeoutMs: 500 },
  );
  t.same(rules(r, 'block'), ['query-timeout']);
  t.ok(Date.now() - started < 30_000, 'stopped well before it would finish');
});

t.test('a query file missing from the request blocks the table', async (t) => {
  const report = await checkWithExtract(
    {
      files: [file('t.csv', 'region,n\nA,40\n')],
      metadata: parseOutputsMetadata(MAGNITUDE()),
      profile: sds,
    },
    extract.dir,
  );
  t.same(rules(report.files[0] as FileReport, 'block'), ['query-refused']);
});

t.test(
  'invariant 1: rows of dimensions only are counted too (a list of persons grouped by everything)',
  async (t) => {
    const sql = 'SELECT region, sex, pnr FROM bef GROUP BY ALL';
    const yaml =
      'files:\n  - {path: t.csv, kind: frequency, dimensions: [region, sex, pnr], query: t.sql, persons: pnr}\n';
    const r = await checkQuery(sql, await resultCsv(extract, sql), yaml);
    const f = r.findings.find((f) => f.rule === 'query-persons');
    t.equal(f?.severity, 'block');
    t.equal(f?.cells.length, 180);
  },
);
