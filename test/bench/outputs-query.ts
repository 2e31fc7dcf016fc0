/**
 * Query-backed outputs: time to verify one table against an extract, from the request's bytes to the
 * evidence (sandbox opened, SQL parsed and analysed, the query re-run with distinct persons per cell,
 * the per-person contributions computed, the file compared). The extract is synthetic, in the shape
 * of the demo's (bef: persons with region and sex; lmdb: prescriptions with ATC and DDD), with
 * PERSONS persons and about 10 prescriptions each; the table is DDD and patients by region × ATC
 * group × sex (a magnitude table of ~200 cells). For scale, the researcher's own query is timed too.
 * Wall-clock medians of 3 runs; prints {"verify_ms", "query_ms", "verify_over_query", "rows"} last.
 * `npx tsx test/bench/outputs-query.ts [PERSONS]` (default 100000).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sha256Hex } from '../../control-plane/src/extracts/manifest.js';
import { parseOutputsMetadata } from '../../control-plane/src/outputs/metadata.js';
import { verifyQueryBackedOutputs } from '../../control-plane/src/outputs/query/index.js';

const persons = Number(process.argv[2] ?? 100_000);
const say = (s: string) => process.stderr.write(`${s}\n`);
const dir = mkdtempSync(join(tmpdir(), 'klarsyn-bench-query-'));
const SQL = `SELECT region, atc_group, sex, count(DISTINCT pnr) AS patients, sum(ddd) AS ddd_sum
FROM lmdb JOIN bef USING (pnr)
GROUP BY region, atc_group, sex
ORDER BY ALL`;

const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const db = await instance.connect();
await db.run(`COPY (SELECT md5('p' || i) AS pnr, ['Hovedstaden','Sjaelland','Syddanmark','Midtjylland','Nordjylland'][1 + i % 5] AS region,
  CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END AS sex FROM range(${persons}) t(i)) TO '${dir}/bef.parquet' (FORMAT parquet)`);
await db.run(`COPY (SELECT md5('p' || (hash(k) % ${persons})) AS pnr, 'N0' || (hash(k * 7) % 20) AS atc_group, (hash(k * 13) % 1000) / 10.0 AS ddd
  FROM range(${persons * 10}) t(k)) TO '${dir}/lmdb.parquet' (FORMAT parquet)`);
const manifestFile = (name: string, source: string, columns: [string, string][]) => ({
  name,
  source,
  sha256: sha256Hex(readFileSync(join(dir, name))),
  size: readFileSync(join(dir, name)).length,
  rows: 0,
  columns: columns.map(([n, transform]) => ({ name: n, type: 'string', transform })),
});
writeFileSync(
  join(dir, 'manifest.json'),
  JSON.stringify({
    format: 'klarsyn-extract/1',
    project: 'bench',
    version: 1,
    createdAt: new Date().toISOString(),
    keyVersion: 1,
    synthetic: true,
    period: { from: '2020-01-01', to: '2020-12-31' },
    cohortSize: persons,
    files: [
      manifestFile('bef.parquet', 'bef', [
        ['pnr', 'person_pseudonym'],
        ['region', 'keep'],
        ['sex', 'keep'],
      ]),
      manifestFile('lmdb.parquet', 'lmdb', [
        ['pnr', 'person_pseudonym'],
        ['atc_group', 'keep'],
        ['ddd', 'keep'],
      ]),
    ],
  }),
);
for (const t of ['bef', 'lmdb'])
  await db.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${dir}/${t}.parquet')`);
const out = join(dir, 'result.csv');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const queryTimes: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  await db.run(`COPY (${SQL}) TO '${out}' (HEADER)`);
  queryTimes.push(performance.now() - t0);
}
db.closeSync();
instance.closeSync();
const csv = readFileSync(out);
const rows = csv.toString().trim().split('\n').length - 1;
const request = {
  files: [
    { path: 't.csv', bytes: new Uint8Array(csv) },
    { path: 't.sql', bytes: new TextEncoder().encode(SQL) },
  ],
  metadata: parseOutputsMetadata(
    'files:\n  - {path: t.csv, kind: magnitude, dimensions: [region, atc_group, sex], statistics: [ddd_sum], contributors: patients, query: t.sql, persons: pnr}\n',
  ),
};
const verifyTimes: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const evidence = await verifyQueryBackedOutputs(request, dir, { verifyHashes: true });
  verifyTimes.push(performance.now() - t0);
  const e = evidence['t.csv'];
  if (!e?.persons || !e.contributions || e.findings.some((f) => f.severity === 'block'))
    throw new Error(`verification did not confirm the table: ${JSON.stringify(e?.findings)}`);
}
say(`${persons} persons, ${persons * 10} prescriptions, ${rows} cells; extract in ${dir}`);
const verify = median(verifyTimes);
const query = median(queryTimes);
process.stdout.write(
  `${JSON.stringify({ verify_ms: Math.round(verify), query_ms: Math.round(query), verify_over_query: Number((verify / query).toFixed(1)), rows })}\n`,
);
