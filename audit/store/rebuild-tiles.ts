import type pg from 'pg';
import { bytesEqual, toBase64 } from '../encoding.js';
import { AuditError } from '../errors.js';
import { integrate, type TileWrite } from '../tiles/integrate.js';
import { TileSet, tilesForRoot } from '../tiles/tile-set.js';
import { writeTiles } from './tile-store.js';

/**
 * Recomputes every tile from the stored leaf hashes, checking each signed checkpoint's root on the
 * way; the tiles are a cache and this is how it is recovered. If the entries no longer match a
 * checkpoint (rows changed behind the triggers' back), nothing is written and the error names
 * the first checkpoint they contradict.
 */
export async function rebuildTiles(
  pool: pg.Pool,
  chunk = 100_000,
): Promise<{ size: number; checkpoints: number }> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const size = Number((await tx.query<{ size: string }>('SELECT tlog_lock_tree() AS size')).rows[0]?.size);
    const checkpoints = (
      await tx.query<{ size: string; root: Buffer }>(
        'SELECT size, root FROM tlog_checkpoints WHERE size > 0 ORDER BY size',
      )
    ).rows.map((r) => ({ size: Number(r.size), root: r.root }));
    await tx.query('DELETE FROM tlog_tiles');
    let edge = new TileSet();
    let at = 0;
    let next = 0;
    while (at < size) {
      const { rows } = await tx.query<{ idx: string; leaf_hash: Buffer }>(
        'SELECT idx, leaf_hash FROM tlog_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
        [at, Math.min(size, at + chunk)],
      );
      const gap = rows.findIndex((r, i) => Number(r.idx) !== at + i);
      if (gap >= 0 || rows.length < Math.min(size, at + chunk) - at) {
        const index = at + (gap >= 0 ? gap : rows.length);
        throw new AuditError('entry_mismatch', `entry ${index} is missing`, { evidence: { index } });
      }
      const writes = new Map<string, TileWrite>();
      let offset = 0;
      // Integrate up to each checkpoint inside the chunk, so every signed root is checked.
      while (offset < rows.length) {
        const cp = checkpoints[next];
        const stop = cp && cp.size <= at + rows.length ? cp.size - at : rows.length;
        const result = integrate(
          at + offset,
          rows.slice(offset, stop).map((r) => r.leaf_hash),
          edge,
        );
        for (const w of result.tiles) writes.set(`${w.level}/${w.index}`, w);
        edge = edgeOf(result.size, result.tiles, edge);
        if (cp && result.size === cp.size) {
          if (!bytesEqual(result.root, cp.root)) {
            throw new AuditError('entry_mismatch', `the stored entries do not match checkpoint ${cp.size}`, {
              evidence: {
                checkpointSize: cp.size,
                signedRoot: toBase64(cp.root),
                entriesRoot: toBase64(result.root),
              },
            });
          }
          next++;
        }
        offset = stop;
      }
      await writeTiles(tx, [...writes.values()]);
      at += rows.length;
    }
    await tx.query('COMMIT');
    return { size, checkpoints: next };
  } catch (e) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    tx.release();
  }
}

/** The partial tiles of a tree of `size`, from the latest writes or the previous edge. */
function edgeOf(size: number, writes: readonly TileWrite[], previous: TileSet): TileSet {
  const latest = new Map(writes.map((w) => [`${w.level}/${w.index}`, w.hashes]));
  const edge = new TileSet();
  for (const id of tilesForRoot(size)) {
    const bytes = latest.get(`${id.level}/${id.index}`) ?? previous.get(id.level, id.index);
    if (bytes) edge.set(id.level, id.index, bytes);
  }
  return edge;
}
