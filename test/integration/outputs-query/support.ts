/**
 * A small synthetic extract for the query-backed output tests, written by DuckDB into a temp
 * directory in the layout of a published version (Parquet files and manifest.json):
 * - bef: 60 persons (pnr, mor_id both person pseudonyms), region A (40), B (17), C (3), sex;
 * - lmdb: prescriptions (pnr, record_id, atc, ddd): A two each, B one each, C ten each (30 rows for
 *   3 persons); atc X99 for six persons of A, one of whom redeems 10,000 DDD (a dominated cell).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ExtractManifest } from '../../../control-plane/src/extracts/manifest.js';
import { sha256Hex } from '../../../control-plane/src/extracts/manifest.js';
import type { OutputFile } from '../../../control-plane/src/outputs/model.js';

const PERSONS = `
  SELECT md5('p' || i) AS pnr, md5('m' || (i // 2)) AS mor_id,
         CASE WHEN i < 40 THEN 'A' WHEN i < 57 THEN 'B' ELSE 'C' END AS region,
         CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END AS sex, 2020 AS year
  FROM range(60) t(i)`;

const PRESCRIPTIONS = `
  SELECT md5('p' || i) AS pnr, md5('r' || i || '-' || k) AS record_id, 'N06AB' AS atc, 10.0 AS ddd
  FROM range(60) t(i), range(10) s(k)
  WHERE (i < 40 AND k < 2) OR (i >= 40 AND i < 57 AND k < 1) OR i >= 57
  UNION ALL
  SELECT md5('p' || i), md5('x' || i), 'X99', CASE WHEN i = 0 THEN 10000.0 ELSE 1.0 END
  FROM range(6) t(i)`;

export interface TestExtract {
  dir: string;
  manifest: ExtractManifest;
}

export async function makeExtract(): Promise<TestExtract> {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-query-extract-'));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await db.run(`COPY (${PERSONS}) TO '${dir}/bef.parquet' (FORMAT parquet)`);
  await db.run(`COPY (${PRESCRIPTIONS}) TO '${dir}/lmdb.parquet' (FORMAT parquet)`);
  db.closeSync();
  instance.closeSync();
  const file = (name: string, source: string, rows: number, columns: [string, string, string][]) => ({
    name,
    source,
    sha256: sha256Hex(readFileSync(join(dir, name))),
    size: readFileSync(join(dir, name)).length,
    rows,
    columns: columns.map(([n, type, transform]) => ({ name: n, type, transform })),
  });
  const manifest = {
    format: 'klarsyn-extract/1',
    project: 'test-project',
    version: 1,
    createdAt: new Date().toISOString(),
    keyVersion: 1,
    synthetic: true,
    period: { from: '2020-01-01', to: '2020-12-31' },
    cohortSize: 60,
    files: [
      file('bef.parquet', 'bef', 60, [
        ['pnr', 'cpr', 'person_pseudonym'],
        ['mor_id', 'cpr', 'person_pseudonym'],
        ['region', 'string', 'keep'],
        ['sex', 'string', 'keep'],
        ['year', 'integer', 'keep'],
      ]),
      file('lmdb.parquet', 'lmdb', 133, [
        ['pnr', 'cpr', 'person_pseudonym'],
        ['record_id', 'record_id', 'record_pseudonym'],
        ['atc', 'string', 'keep'],
        ['ddd', 'number', 'keep'],
      ]),
    ],
  } as unknown as ExtractManifest;
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, manifest };
}

/** A query's result as the researcher writes it from the workspace: DuckDB's own CSV. */
export async function resultCsv(extract: TestExtract, sql: string): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    for (const f of extract.manifest.files)
      await db.run(`CREATE VIEW ${f.source} AS SELECT * FROM read_parquet('${extract.dir}/${f.name}')`);
    const out = join(mkdtempSync(join(tmpdir(), 'klarsyn-query-result-')), 'r.csv');
    await db.run(`COPY (${sql}) TO '${out}' (HEADER, DELIMITER ',')`);
    return readFileSync(out, 'utf8');
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

export const file = (path: string, text: string): OutputFile => ({
  path,
  bytes: new TextEncoder().encode(text),
});
