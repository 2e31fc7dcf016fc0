import { HASH_SIZE } from '../merkle/hash.js';
import { TILE_WIDTH } from '../tiles/paths.js';
import { INNER_HASHES, type TileSet } from '../tiles/tile-set.js';

/**
 * Full tiles above level 0, kept in memory by a reader: a full tile never changes, and there are
 * few of them (one level-1 tile per 65,536 entries), so after the first proofs a proof reads only
 * its level-0 hashes from the database. Bounded, oldest use evicted first.
 */
export class UpperTiles {
  private readonly tiles = new Map<string, { hashes: Uint8Array; inner: Uint8Array }>();

  constructor(private readonly capacity = 2048) {}

  /** Tiles worth keeping: above level 0, full, with their inner levels. */
  static keeps(level: number, hashes: Uint8Array, inner: Uint8Array | undefined): inner is Uint8Array {
    return (
      level >= 1 && hashes.length === TILE_WIDTH * HASH_SIZE && inner?.length === INNER_HASHES * HASH_SIZE
    );
  }

  has(level: number, index: number): boolean {
    return this.tiles.has(`${level}/${index}`);
  }

  add(level: number, index: number, hashes: Uint8Array, inner: Uint8Array): void {
    const key = `${level}/${index}`;
    this.tiles.delete(key);
    this.tiles.set(key, { hashes, inner });
    if (this.tiles.size > this.capacity) this.tiles.delete(this.tiles.keys().next().value as string);
  }

  /** The cached tiles in a TileSet, to read nodes from as a proof's hash source. */
  copyInto(set: TileSet, ids: readonly { level: number; index: number }[]): void {
    for (const { level, index } of ids) {
      const key = `${level}/${index}`;
      const tile = this.tiles.get(key);
      if (!tile) continue;
      // Re-inserting marks the tile as recently used.
      this.tiles.delete(key);
      this.tiles.set(key, tile);
      set.set(level, index, tile.hashes, tile.inner);
    }
  }
}
