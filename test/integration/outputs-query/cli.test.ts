/** `klarsyn outputs check --extract DIR`: query-backed tables re-run outside the platform. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCliFromSource } from '../../support/cli.js';
import { makeExtract, resultCsv } from './support.js';

t.setTimeout(600_000);

const SQL =
  'SELECT region, count(*) AS patients FROM lmdb JOIN bef USING (pnr) GROUP BY region ORDER BY region';
const YAML =
  'files:\n  - {path: t.csv, kind: frequency, dimensions: [region], counts: [patients], query: t.sql, persons: pnr}\n';

t.test('--extract re-runs the query: counts of rows from 3 persons are blocked (exit 1)', async (t) => {
  const extract = await makeExtract();
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-query-cli-'));
  writeFileSync(join(dir, 'outputs.yaml'), YAML);
  writeFileSync(join(dir, 't.sql'), SQL);
  writeFileSync(join(dir, 't.csv'), await resultCsv(extract, SQL));

  const without = await runCliFromSource(['outputs', 'check', '--json', dir]);
  t.equal(without.code, 3, without.stderr);
  const unverified = JSON.parse(without.stdout).files.find((f: { path: string }) => f.path.endsWith('t.csv'));
  t.same(
    unverified.findings.map((f: { rule: string }) => f.rule),
    ['query-unverified'],
  );

  const r = await runCliFromSource(['outputs', 'check', '--json', '--extract', extract.dir, dir]);
  t.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  const table = report.files.find((f: { path: string }) => f.path.endsWith('t.csv'));
  t.equal(table.verdict, 'block');
  t.ok(table.findings.some((f: { rule: string }) => f.rule === 'query-persons'));
});

t.test('--extract with a directory that is not an extract is a usage error (exit 2)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-query-cli-'));
  const r = await runCliFromSource(['outputs', 'check', '--extract', dir, dir]);
  t.equal(r.code, 2);
  t.match(r.stderr, /has no manifest\.json/);
});
