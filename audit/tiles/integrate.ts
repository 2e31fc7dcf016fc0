import { EMPTY_ROOT } from '../merkle/hash.js';
import { hashRange } from '../merkle/ranges.js';
import { TILE_WIDTH } from './paths.js';
import { joinHashes, splitHashes, TileSet, tileLevels } from './tile-set.js';

/** A tile to store: its full current contents (1..256 hashes), and inner levels once full. */
export interface TileWrite {
  level: number;
  index: number;
  hashes: Uint8Array;
  inner?: Uint8Array;
}

export interface Integration {
  size: number;
  root: Uint8Array;
  tiles: TileWrite[];
}

/**
 * Appends leaf hashes to a tree of `fromSize` leaves (after Tessera's Integrate): pure arithmetic
 * that returns the new size, root and every tile that changed. `edge` must hold the partial tiles
 * of the old tree (`tilesForRoot(fromSize)`); storage drivers only read and write tiles.
 */
export function integrate(fromSize: number, leafHashes: readonly Uint8Array[], edge: TileSet): Integration {
  const open: { index: number; hashes: Uint8Array[]; changed: boolean }[] = [];
  const writes: TileWrite[] = [];

  const openTile = (level: number) => {
    let tile = open[level];
    if (!tile) {
      const below = Math.floor(fromSize / TILE_WIDTH ** level);
      const index = Math.floor(below / TILE_WIDTH);
      const width = below % TILE_WIDTH;
      const stored = width > 0 ? edge.get(level, index) : undefined;
      if (width > 0 && (!stored || stored.length < width * 32)) {
        throw new RangeError(`edge tile ${level}/${index} of a ${fromSize}-leaf tree is missing or short`);
      }
      tile = { index, hashes: stored ? splitHashes(stored, 0, width) : [], changed: false };
      open[level] = tile;
    }
    return tile;
  };

  const add = (level: number, hash: Uint8Array): void => {
    const tile = openTile(level);
    tile.hashes.push(hash);
    tile.changed = true;
    if (tile.hashes.length === TILE_WIDTH) {
      const { root, inner } = tileLevels(tile.hashes);
      writes.push({ level, index: tile.index, hashes: joinHashes(tile.hashes), inner });
      open[level] = { index: tile.index + 1, hashes: [], changed: false };
      add(level + 1, root);
    }
  };

  for (const h of leafHashes) add(0, h);
  open.forEach((tile, level) => {
    if (tile.changed && tile.hashes.length > 0)
      writes.push({ level, index: tile.index, hashes: joinHashes(tile.hashes) });
  });

  const size = fromSize + leafHashes.length;
  const after = new TileSet();
  for (const level of [0, 1, 2, 3, 4, 5, 6, 7]) {
    const tile = open[level] ?? openTile(level);
    if (tile.hashes.length > 0) after.set(level, tile.index, joinHashes(tile.hashes));
  }
  return { size, root: size === 0 ? EMPTY_ROOT : hashRange(0, size, after.node), tiles: writes };
}
