import type { DuckDBConnection } from '@duckdb/node-api';
import { ColumnarWriter, type ColumnBuffer } from './columnar-writer.js';
import { dayOf, NO_DATE, NONE, type Population } from './population.js';

/** BEF: one row per person resident on 1 January of each year in the coverage. */
export async function writeBef(
  db: DuckDBConnection,
  p: Population,
  years: { from: number; to: number },
  progress: (done: number) => void,
): Promise<number> {
  const w = await ColumnarWriter.create(db, 'bef', [
    { name: 'pnr', type: 'varchar' },
    { name: 'koen', type: 'varchar' },
    { name: 'foed_dag', type: 'date' },
    { name: 'kom', type: 'integer' },
    { name: 'reg', type: 'integer' },
    { name: 'civst', type: 'varchar' },
    { name: 'opr_land', type: 'integer' },
    { name: 'mor_id', type: 'varchar' },
    { name: 'far_id', type: 'varchar' },
    { name: 'aegte_id', type: 'varchar' },
    { name: 'doed_dato', type: 'date' },
    { name: 'year', type: 'integer' },
  ]);
  const { pnr, koen, foed_dag, kom, reg, civst, opr_land, mor_id, far_id, aegte_id, doed_dato, year } = w.col;
  const link = (column: ColumnBuffer, row: number, person: number) => {
    if (person === NONE) column.setNull(row);
    else column.setString(row, p.cpr[person] as string);
  };
  for (let i = 0; i < p.size; i++) {
    const death = p.death[i] as number;
    for (let y = years.from; y <= years.to; y++) {
      const jan1 = dayOf(y);
      if ((p.birth[i] as number) >= jan1 || (death !== NO_DATE && death < jan1)) continue;
      const r = w.row;
      pnr.setString(r, p.cpr[i] as string);
      koen.setString(r, p.male[i] ? 'M' : 'K');
      foed_dag.setInt(r, p.birth[i] as number);
      kom.setInt(r, p.kom[i] as number);
      reg.setInt(r, p.region[i] as number);
      civst.setString(r, p.civst[i] as string);
      opr_land.setInt(r, p.origin[i] as number);
      link(mor_id, r, p.mother[i] as number);
      link(far_id, r, p.father[i] as number);
      link(aegte_id, r, p.spouse[i] as number);
      if (death === NO_DATE) doed_dato.setNull(r);
      else doed_dato.setInt(r, death);
      year.setInt(r, y);
      w.commitRow();
    }
    if ((i & 0x3fff) === 0) progress(i);
  }
  w.close();
  return w.total;
}
