import type { DuckDBConnection } from '@duckdb/node-api';
import { ColumnarWriter } from './columnar-writer.js';
import { dayOf, NO_DATE, type Population } from './population.js';
import { ACUTE_DIAGNOSES, CONDITIONS } from './reference-data.js';
import type { Rng } from './rng.js';

/**
 * LPR3-like hospital contacts and their diagnoses. A person's conditions drive most contacts'
 * action diagnoses, so cohorts defined by a diagnosis prefix find the persons who also redeem
 * the matching drugs in LMDB.
 */

const KONTAKTTYPER = ['ALCA00', 'ALCA00', 'ALCA00', 'ALCA00', 'ALCA00', 'ALCA03', 'ALCA10', 'ALCA20'];

/** Contacts per person-year: a baseline plus more per condition. */
const BASE_RATE = 0.12;
const CONDITION_RATE = 0.2;

export async function writeLpr(
  db: DuckDBConnection,
  p: Population,
  years: { from: number; to: number },
  rng: Rng,
  progress: (done: number) => void,
): Promise<{ kontakter: number; diagnoser: number }> {
  const kontakter = await ColumnarWriter.create(db, 'kontakter', [
    { name: 'dw_ek_kontakt', type: 'varchar' },
    { name: 'cpr', type: 'varchar' },
    { name: 'dato_start', type: 'date' },
    { name: 'dato_slut', type: 'date' },
    { name: 'kontakttype', type: 'varchar' },
    { name: 'prioritet', type: 'varchar' },
    { name: 'aktionsdiagnose', type: 'varchar' },
  ]);
  const diagnoser = await ColumnarWriter.create(db, 'diagnoser', [
    { name: 'dw_ek_kontakt', type: 'varchar' },
    { name: 'diagnosekode', type: 'varchar' },
    { name: 'diagnosetype', type: 'varchar' },
  ]);
  const k = kontakter.col;
  const d = diagnoser.col;
  const first = dayOf(years.from);
  const last = dayOf(years.to + 1) - 1;
  let serial = 0;
  const diagnosis = (id: string, code: string, type: 'A' | 'B') => {
    const r = diagnoser.row;
    d.dw_ek_kontakt.setString(r, id);
    d.diagnosekode.setString(r, code);
    d.diagnosetype.setString(r, type);
    diagnoser.commitRow();
  };
  for (let i = 0; i < p.size; i++) {
    const start = Math.max(first, p.birth[i] as number);
    const death = p.death[i] as number;
    const end = death === NO_DATE ? last : Math.min(last, death);
    if (end < start) continue;
    const conditions = CONDITIONS.filter((_, bit) => ((p.conditions[i] as number) & (1 << bit)) !== 0);
    const count = rng.poisson(((end - start + 1) / 365) * (BASE_RATE + CONDITION_RATE * conditions.length));
    for (let c = 0; c < count; c++) {
      const id = `K${String(++serial).padStart(11, '0')}`;
      const acute = rng.chance(0.35);
      const from = start + rng.int(end - start + 1);
      const condition = conditions.length > 0 && rng.chance(0.7) ? rng.pick(conditions) : null;
      const main = condition ? rng.pick(condition.diagnoses) : rng.pick(ACUTE_DIAGNOSES);
      const r = kontakter.row;
      k.dw_ek_kontakt.setString(r, id);
      k.cpr.setString(r, p.cpr[i] as string);
      k.dato_start.setInt(r, from);
      k.dato_slut.setInt(r, Math.min(end, from + (acute ? rng.int(6) : rng.int(2))));
      k.kontakttype.setString(r, rng.pick(KONTAKTTYPER));
      k.prioritet.setString(r, acute ? 'ATA1' : 'ATA3');
      k.aktionsdiagnose.setString(r, main);
      kontakter.commitRow();
      diagnosis(id, main, 'A');
      for (const other of conditions) {
        if (other !== condition && rng.chance(0.4)) diagnosis(id, rng.pick(other.diagnoses), 'B');
      }
    }
    if ((i & 0x3fff) === 0) progress(i);
  }
  kontakter.close();
  diagnoser.close();
  return { kontakter: kontakter.total, diagnoser: diagnoser.total };
}
