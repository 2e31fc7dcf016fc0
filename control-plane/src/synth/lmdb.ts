import type { DuckDBConnection } from '@duckdb/node-api';
import { ColumnarWriter } from './columnar-writer.js';
import { countBits, dayOf, NO_DATE, type Population } from './population.js';
import { CONDITIONS, DRUGS, type Drug, OCCASIONAL_DRUGS } from './reference-data.js';
import type { Rng } from './rng.js';

/**
 * LMDB-like redeemed prescriptions and the product table that carries each package's strength
 * and the WHO DDD, so DDD per prescription = apk × packsize × strnum / ddd (for ddd_unit TD,
 * tablets: apk × packsize / ddd).
 */

export interface Product {
  vnr: string;
  drug: Drug;
  packsize: number;
  strnum: number;
}

export const PRODUCTS: readonly Product[] = Object.values(DRUGS)
  .flatMap((drug) =>
    drug.strengths.flatMap((strnum) => drug.packs.map((packsize) => ({ drug, packsize, strnum }))),
  )
  .map((p, i) => ({ ...p, vnr: String(100001 + i * 7) }));

const productsOf = new Map<Drug, Product[]>();
for (const product of PRODUCTS) {
  const list = productsOf.get(product.drug) ?? [];
  list.push(product);
  productsOf.set(product.drug, list);
}

export async function writeProducts(db: DuckDBConnection): Promise<number> {
  await db.run(
    `CREATE OR REPLACE TABLE lmdb_produkter (vnr VARCHAR, atc VARCHAR, navn VARCHAR, packsize DOUBLE,
       strnum DOUBLE, strunit VARCHAR, ddd DOUBLE, ddd_unit VARCHAR)`,
  );
  const rows = PRODUCTS.map(
    (p) =>
      `('${p.vnr}', '${p.drug.atc}', '${p.drug.name}', ${p.packsize}, ${p.strnum}, 'MG', ${p.drug.ddd}, '${p.drug.dddUnit}')`,
  );
  await db.run(`INSERT INTO lmdb_produkter VALUES ${rows.join(', ')}`);
  return PRODUCTS.length;
}

export async function writeLmdb(
  db: DuckDBConnection,
  p: Population,
  years: { from: number; to: number },
  perPerson: number,
  rng: Rng,
  progress: (done: number) => void,
): Promise<number> {
  const w = await ColumnarWriter.create(db, 'lmdb', [
    { name: 'pnr', type: 'varchar' },
    { name: 'eksd', type: 'date' },
    { name: 'atc', type: 'varchar' },
    { name: 'vnr', type: 'varchar' },
    { name: 'apk', type: 'double' },
    { name: 'packsize', type: 'double' },
    { name: 'strnum', type: 'double' },
    { name: 'strunit', type: 'varchar' },
  ]);
  const { pnr, eksd, atc, vnr, apk, packsize, strnum, strunit } = w.col;
  const first = dayOf(years.from);
  const last = dayOf(years.to + 1) - 1;
  const period = last - first + 1;
  // People with more conditions redeem more; scaled so the average person redeems `perPerson`.
  const weight = (i: number) => 0.3 + countBits(p.conditions[i] as number);
  let total = 0;
  for (let i = 0; i < p.size; i++) total += weight(i);
  const scale = p.size > 0 ? (perPerson * p.size) / total : 0;
  for (let i = 0; i < p.size; i++) {
    const start = Math.max(first, p.birth[i] as number);
    const death = p.death[i] as number;
    const end = death === NO_DATE ? last : Math.min(last, death);
    if (end < start) continue;
    const mask = p.conditions[i] as number;
    const drugs = CONDITIONS.flatMap((c, bit) =>
      (mask & (1 << bit)) !== 0 ? [c.drugs[(i + bit) % c.drugs.length] as Drug] : [],
    );
    const count = rng.poisson(scale * weight(i) * ((end - start + 1) / period));
    for (let k = 0; k < count; k++) {
      const drug = drugs.length > 0 && rng.chance(0.8) ? rng.pick(drugs) : rng.pick(OCCASIONAL_DRUGS);
      const product = rng.pick(productsOf.get(drug) as Product[]);
      const r = w.row;
      pnr.setString(r, p.cpr[i] as string);
      eksd.setInt(r, start + rng.int(end - start + 1));
      atc.setString(r, drug.atc);
      vnr.setString(r, product.vnr);
      apk.setDouble(r, rng.chance(0.85) ? 1 : 2);
      packsize.setDouble(r, product.packsize);
      strnum.setDouble(r, product.strnum);
      strunit.setString(r, 'MG');
      w.commitRow();
    }
    if ((i & 0x3fff) === 0) progress(i);
  }
  w.close();
  return w.total;
}
