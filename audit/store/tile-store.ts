import type pg from 'pg';
import type { TileWrite } from '../tiles/integrate.js';
import { type TileId, TileSet } from '../tiles/tile-set.js';

/** The only SQL that touches tlog_tiles: read a set of tiles, write changed ones. */
export async function readTiles(
  db: pg.ClientBase | pg.Pool,
  ids: readonly TileId[],
  into = new TileSet(),
): Promise<TileSet> {
  if (ids.length === 0) return into;
  const { rows } = await db.query<{
    level: number;
    idx: string;
    hashes: Buffer;
    inner_hashes: Buffer | null;
  }>({
    name: 'tlog_read_tiles',
    text: `SELECT t.level, t.idx, t.hashes, t.inner_hashes FROM tlog_tiles t
           JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) ON t.level = w.level AND t.idx = w.idx`,
    values: [ids.map((i) => i.level), ids.map((i) => i.index)],
  });
  for (const r of rows) into.set(r.level, Number(r.idx), r.hashes, r.inner_hashes ?? undefined);
  return into;
}

export async function writeTiles(db: pg.ClientBase, tiles: readonly TileWrite[]): Promise<void> {
  if (tiles.length === 0) return;
  await db.query({
    name: 'tlog_write_tiles',
    text: `INSERT INTO tlog_tiles (level, idx, hashes, inner_hashes)
           SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[], $4::bytea[])
           ON CONFLICT (level, idx) DO UPDATE SET hashes = EXCLUDED.hashes, inner_hashes = EXCLUDED.inner_hashes`,
    values: [
      tiles.map((t) => t.level),
      tiles.map((t) => t.index),
      tiles.map((t) => t.hashes),
      tiles.map((t) => t.inner ?? null),
    ],
  });
}
