import type pg from 'pg';
import { HASH_SIZE } from '../merkle/hash.js';
import { type NodeSource, perfectNodes, type Range } from '../merkle/ranges.js';
import { TILE_WIDTH } from '../tiles/paths.js';
import {
  innerIndex,
  locate,
  perfectRoot,
  splitHashes,
  type TileId,
  TileSet,
  tilesFor,
} from '../tiles/tile-set.js';
import { readTiles } from './tile-store.js';
import { UpperTiles } from './upper-tiles.js';

interface Slice {
  key: string;
  level: number;
  index: number;
  inner: boolean;
  /** 1-based byte offset, as SQL substring counts. */
  from: number;
  length: number;
  count: number;
}

/**
 * Reads exactly the hashes needed to hash `ranges`: for a node inside a full tile, 32 bytes of
 * the tile's stored inner levels; for one inside a partial tile, its run of hashes. Tiles are
 * stored uncompressed out of line, so PostgreSQL reads only the chunks holding those bytes: a
 * proof costs one query of about a kilobyte instead of whole 16 KB tiles. `treeSize` is a size
 * the log has reached (tiles full at it are full in storage). With `upper`, full tiles above
 * level 0 come from memory once read (whole) the first time.
 */
export async function proofNodes(
  db: pg.Pool | pg.ClientBase,
  ranges: readonly Range[],
  treeSize: number,
  upper?: UpperTiles,
): Promise<NodeSource> {
  const slices = new Map<string, Slice>();
  const cached = new Map<string, TileId>();
  const toCache = new Map<string, TileId>();
  for (const [start, end] of ranges) {
    for (const { level, index } of perfectNodes(start, end)) {
      const { tile, offset, count } = locate(level, index);
      const full = (tile.index + 1) * TILE_WIDTH ** (tile.level + 1) <= treeSize;
      if (upper && full && tile.level >= 1) {
        (upper.has(tile.level, tile.index) ? cached : toCache).set(`${tile.level}/${tile.index}`, tile);
        continue;
      }
      const inner = full && count > 1;
      const at = inner ? innerIndex(offset, count) : offset;
      const key = `${level}/${index}`;
      slices.set(key, {
        key,
        level: tile.level,
        index: tile.index,
        inner,
        from: at * HASH_SIZE + 1,
        length: (inner ? 1 : count) * HASH_SIZE,
        count: inner ? 1 : count,
      });
    }
  }
  const list = [...slices.values()];
  const memory = new TileSet();
  upper?.copyInto(memory, [...cached.values()]);
  const [{ rows }, read] = await Promise.all([
    list.length > 0 ? querySlices(db, list) : { rows: [] },
    toCache.size > 0 ? readTiles(db, [...toCache.values()]) : undefined,
  ]);
  for (const { level, index } of toCache.values()) {
    const hashes = read?.get(level, index);
    const inner = read?.inner(level, index);
    if (!hashes || !UpperTiles.keeps(level, hashes, inner)) {
      // Stored before inner levels were kept: read everything whole and hash.
      return (await readTiles(db, tilesFor(ranges))).node;
    }
    upper?.add(level, index, hashes, inner);
    memory.set(level, index, hashes, inner);
  }
  const hashes = new Map<string, Uint8Array>();
  for (const r of rows) {
    const s = list[r.k] as Slice;
    if (r.bytes?.length === s.length)
      hashes.set(s.key, s.count === 1 ? r.bytes : perfectRoot(splitHashes(r.bytes)));
  }
  // Tiles written before their inner levels were stored: read them whole and hash.
  if (hashes.size < list.length) return (await readTiles(db, tilesFor(ranges))).node;
  return (level, index) => {
    const hash = hashes.get(`${level}/${index}`);
    if (hash) return hash;
    const { tile } = locate(level, index);
    if (memory.get(tile.level, tile.index)) return memory.node(level, index);
    throw new RangeError(`node ${level}/${index} was not fetched`);
  };
}

function querySlices(db: pg.Pool | pg.ClientBase, list: Slice[]) {
  return db.query<{ k: number; bytes: Buffer | null }>({
    name: 'tlog_proof_nodes',
    text: `SELECT n.k, CASE WHEN n.from_inner THEN substring(t.inner_hashes FROM n.f FOR n.l)
                            ELSE substring(t.hashes FROM n.f FOR n.l) END AS bytes
           FROM unnest($1::int[], $2::smallint[], $3::bigint[], $4::bool[], $5::int[], $6::int[])
             AS n(k, level, idx, from_inner, f, l)
           JOIN tlog_tiles t ON t.level = n.level AND t.idx = n.idx`,
    values: [
      list.map((_, k) => k),
      list.map((s) => s.level),
      list.map((s) => s.index),
      list.map((s) => s.inner),
      list.map((s) => s.from),
      list.map((s) => s.length),
    ],
  });
}
