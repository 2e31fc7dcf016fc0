import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import t from 'tap';
import { analyseCpr, birthYear } from '../../../control-plane/src/pseudonym/cpr.js';
import { CprIssuer } from '../../../control-plane/src/synth/cpr-issuer.js';
import { generateSynthetic, REGISTERS } from '../../../control-plane/src/synth/generate.js';
import { Rng } from '../../../control-plane/src/synth/rng.js';

const base = mkdtempSync(join(tmpdir(), 'klarsyn-synth-'));
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const rows = (await db.runAndReadAll(sql)).getRowObjectsJS();
  db.closeSync();
  return rows;
}

t.test('the same seed gives the same registers; another seed does not', async (t) => {
  const run = (seed: string, out: string) =>
    generateSynthetic({ persons: 1500, seed, out: join(base, out), format: 'csv' });
  const a = await run('7', 'a');
  const b = await run('7', 'b');
  const c = await run('8', 'c');
  for (const table of REGISTERS) {
    t.equal(sha(a.files[table] as string), sha(b.files[table] as string), `${table} identical`);
  }
  t.not(sha(a.files.bef as string), sha(c.files.bef as string));
  t.same(a.rows, b.rows);
});

t.test(
  'CPR numbers agree with birth date, sex and century; only 1 January numbers fail modulus 11',
  async (t) => {
    const out = join(base, 'parquet');
    const result = await generateSynthetic({ persons: 4000, seed: 'cpr', out, format: 'parquet' });
    t.ok((result.rows.bef ?? 0) > 4000 * 5);
    const persons = await query(
      `SELECT DISTINCT pnr, koen, CAST(foed_dag AS VARCHAR) AS foed_dag FROM read_parquet('${out}/registers/bef/*.parquet')`,
    );
    let failures = 0;
    let noMod11 = 0;
    for (const p of persons) {
      const a = analyseCpr(p.pnr as string);
      if (a.status === 'invalid' || a.birthDate !== p.foed_dag || a.sex !== (p.koen === 'M' ? 'M' : 'F'))
        failures++;
      if (a.status === 'valid_no_mod11') {
        noMod11++;
        if (!(p.pnr as string).startsWith('0101')) failures++;
      }
    }
    t.equal(failures, 0);
    t.ok(noMod11 > 0 && noMod11 < persons.length * 0.05, `${noMod11} of ${persons.length} fail modulus 11`);
    t.equal(new Set(persons.map((p) => p.pnr)).size, persons.length, 'one sex and birth date per CPR');
    const [links] = await query(`SELECT
      count(*) FILTER (WHERE mor_id IS NOT NULL AND mor_id NOT IN (SELECT pnr FROM read_parquet('${out}/registers/bef/*.parquet'))) AS dangling,
      count(mor_id) AS mothers, count(aegte_id) AS spouses
    FROM read_parquet('${out}/registers/bef/*.parquet')`);
    t.equal(Number(links?.dangling), 0, 'parents are persons of the population');
    t.ok(Number(links?.mothers) > 0 && Number(links?.spouses) > 0);
  },
);

t.test('registers join up and carry the drugs and diagnoses cohorts are built from', async (t) => {
  const out = join(base, 'parquet');
  const r = (name: string) => `read_parquet('${out}/registers/${name}/*.parquet')`;
  const [row] = await query(`SELECT
      (SELECT count(*) FROM ${r('diagnoser')} d WHERE d.dw_ek_kontakt NOT IN (SELECT dw_ek_kontakt FROM ${r('kontakter')})) AS orphan_diagnoses,
      (SELECT count(*) FROM ${r('lmdb')} l WHERE l.vnr NOT IN (SELECT vnr FROM ${r('lmdb_produkter')})) AS unknown_products,
      (SELECT count(*) FROM ${r('lmdb')} WHERE atc LIKE 'N05%' OR atc LIKE 'N06%') AS psychopharmaca,
      (SELECT count(*) FROM ${r('lmdb')} WHERE atc LIKE 'N02%') AS analgesics,
      (SELECT count(*) FROM ${r('kontakter')} WHERE aktionsdiagnose LIKE 'DE11%') AS diabetes,
      (SELECT count(*) FROM ${r('lmdb_produkter')} WHERE ddd IS NULL OR ddd <= 0) AS missing_ddd,
      (SELECT min(dato_start) >= DATE '2019-01-01' FROM ${r('kontakter')}) AS lpr3_period,
      (SELECT count(*) FROM ${r('diagnoser')} WHERE NOT regexp_full_match(diagnosekode, 'D[A-Z][0-9]{2,4}')) AS bad_codes`);
  t.match(row, {
    orphan_diagnoses: 0n,
    unknown_products: 0n,
    missing_ddd: 0n,
    bad_codes: 0n,
    lpr3_period: true,
  });
  for (const k of ['psychopharmaca', 'analgesics', 'diabetes'] as const) t.ok(Number(row?.[k]) > 0, k);
});

t.test('the output says it is synthetic', async (t) => {
  const out = join(base, 'parquet');
  const meta = JSON.parse(readFileSync(join(out, 'synthetic.json'), 'utf8'));
  t.equal(meta.synthetic, true);
  t.equal(meta.seed, 'cpr');
  t.match(readFileSync(join(out, 'README.md'), 'utf8'), /SYNTHETIC/);
});

t.test('property: issued CPR numbers are unique and follow the century table', async (t) => {
  const issuer = new CprIssuer();
  const rng = new Rng('issuer');
  const seen = new Set<string>();
  let bad = 0;
  for (let n = 0; n < 20000; n++) {
    const year = 1860 + rng.int(190);
    const month = 1 + rng.int(2);
    const day = 1 + rng.int(2);
    const male = rng.chance(0.5);
    const fail = rng.chance(0.2);
    const cpr = issuer.issue(year, month, day, male, fail);
    if (cpr === null) continue;
    const a = analyseCpr(cpr);
    if (seen.has(cpr)) bad++;
    seen.add(cpr);
    if (birthYear(Number(cpr.slice(4, 6)), Number(cpr[6])) !== year) bad++;
    if (a.sex !== (male ? 'M' : 'F') || a.status !== (fail ? 'valid_no_mod11' : 'valid')) bad++;
  }
  t.equal(bad, 0);
  t.ok(seen.size > 10000);
});
