import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ObjectStore } from '../../control-plane/src/storage/object-store.js';

/**
 * Tiny synthetic registers with known answers, written as Parquet into an object store at the
 * catalog's locations. Persons 1–6 have a type 2 diabetes diagnosis (DE11x), 7–10 do not.
 */
export const PERSONS = Array.from({ length: 10 }, (_, i) => {
  const n = i + 1;
  return {
    n,
    cpr: `0${(n % 9) + 1}0${(n % 9) + 1}80-${String(1000 + n * 7).padStart(4, '0')}`,
    diabetic: n <= 6,
  };
});

export async function writeRegisterFixtures(store: ObjectStore): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-registers-'));
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const persons = PERSONS.map((p) => `(${p.n}, '${p.cpr}', ${p.diabetic})`).join(', ');
  await db.run(
    `CREATE TABLE persons (n INT, cpr VARCHAR, diabetic BOOLEAN); INSERT INTO persons VALUES ${persons}`,
  );
  const tables: Record<string, string> = {
    bef: `SELECT cpr AS pnr, CASE WHEN n % 2 = 0 THEN 'K' ELSE 'M' END AS koen, DATE '1980-01-01' + INTERVAL (n * 40) DAY AS foed_dag,
            100 + n AS kom, 81 + n % 5 AS reg, 'U' AS civst, 5100 AS opr_land,
            (SELECT cpr FROM persons m WHERE m.n = persons.n % 10 + 1) AS mor_id, NULL::VARCHAR AS far_id, NULL::VARCHAR AS aegte_id,
            NULL::DATE AS doed_dato, y AS year
          FROM persons, range(2018, 2024) t(y)`,
    kontakter: `SELECT 'K' || n AS dw_ek_kontakt, cpr, DATE '2020-03-01' + INTERVAL (n) DAY AS dato_start,
            DATE '2020-03-02' + INTERVAL (n) DAY AS dato_slut, 'ALCA00' AS kontakttype, 'ATA3' AS prioritet,
            CASE WHEN diabetic THEN 'DE11' || (n % 10) ELSE 'DJ06' END AS aktionsdiagnose FROM persons`,
    diagnoser: `SELECT 'K' || n AS dw_ek_kontakt, CASE WHEN diabetic THEN 'DE11' || (n % 10) ELSE 'DJ069' END AS diagnosekode, 'A' AS diagnosetype FROM persons`,
    lmdb: `SELECT cpr AS pnr, DATE '2021-01-15' + INTERVAL (n * 3 + k) DAY AS eksd, CASE WHEN k = 0 THEN 'N06AB06' ELSE 'A10BA02' END AS atc,
            '0' || (100000 + n) AS vnr, 1.0 AS apk, 30.0 AS packsize, 50.0 AS strnum, 'MG' AS strunit
          FROM persons, range(0, 2) t(k)`,
  };
  try {
    for (const [name, sql] of Object.entries(tables)) {
      const file = join(dir, `${name}.parquet`);
      await db.run(`COPY (${sql}) TO '${file}' (FORMAT parquet)`);
      await store.put(`registers/${name}/part-0.parquet`, readFileSync(file));
    }
  } finally {
    db.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
