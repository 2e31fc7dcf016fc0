import type pg from 'pg';
import { HASH_SIZE } from '../merkle/hash.js';
import { type NodeSource, perfectNodes, type Range } from '../merkle/ranges.js';
import { TILE_WIDTH } from '../tiles/paths.js';
import { innerIndex, locate, perfectRoot, splitHashes, type TileId, tilesFor } from '../tiles/tile-set.js';
import { PerfectNodes } from './perfect-nodes.js';
import { readTiles } from './tile-store.js';

interface Slice {
  key: string;
  /** The node's own level and index. */
  level: number;
  index: number;
  tile: TileId;
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
 * the log has reached (tiles full at it are full in storage). With `known`, nodes kept from
 * earlier proofs are not read again, and the ones worth keeping are added.
 */
export async function proofNodes(
  db: pg.Pool | pg.ClientBase,
  ranges: readonly Range[],
  treeSize: number,
  known?: PerfectNodes,
): Promise<NodeSource> {
  const hashes = new Map<string, Uint8Array>();
  const slices = new Map<string, Slice>();
  for (const [start, end] of ranges) {
    for (const { level, index } of perfectNodes(start, end)) {
      const key = `${level}/${index}`;
      const hash = known?.get(level, index);
      if (hash) {
        hashes.set(key, hash);
        continue;
      }
      const { tile, offset, count } = locate(level, index);
      const inner = (tile.index + 1) * TILE_WIDTH ** (tile.level + 1) <= treeSize && count > 1;
      const at = inner ? innerIndex(offset, count) : offset;
      slices.set(key, {
        key,
        level,
        index,
        tile,
        inner,
        from: at * HASH_SIZE + 1,
        length: (inner ? 1 : count) * HASH_SIZE,
        count: inner ? 1 : count,
      });
    }
  }
  const list = [...slices.values()];
  const { rows } = list.length > 0 ? await querySlices(db, list) : { rows: [] };
  let read = 0;
  for (const r of rows) {
    const s = list[r.k] as Slice;
    if (r.bytes?.length !== s.length) continue;
    read++;
    const hash = s.count === 1 ? r.bytes : perfectRoot(splitHashes(r.bytes));
    hashes.set(s.key, hash);
    if (known && PerfectNodes.keeps(s.level, s.count)) known.add(s.level, s.index, hash);
  }
  // Tiles written before their inner levels were stored: read them whole and hash.
  if (read < list.length) return (await readTiles(db, tilesFor(ranges))).node;
  return (level, index) => {
    const hash = hashes.get(`${level}/${index}`);
    if (hash) return hash;
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
      list.map((s) => s.tile.level),
      list.map((s) => s.tile.index),
      list.map((s) => s.inner),
      list.map((s) => s.from),
      list.map((s) => s.length),
    ],
  });
}
