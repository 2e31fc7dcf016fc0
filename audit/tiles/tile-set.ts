import { concat } from '../encoding.js';
import { AuditError } from '../errors.js';
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from '../merkle/hash.js';
import { consistencyRanges, hashRange, inclusionRanges, perfectNodes, type Range } from '../merkle/ranges.js';
import { TILE_HEIGHT, TILE_WIDTH } from './paths.js';

/**
 * Tiles as a hash source. A tile at level L holds up to 256 consecutive hashes of perfect subtrees
 * of height 8L; the levels in between are read from the full tile's stored inner levels when given
 * (a server), else recomputed by hashing inside the tile (a client of tlog-tiles). A stored tile
 * only ever grows, so the partial tile of any earlier tree size is a prefix of the stored one.
 */
export interface TileId {
  level: number;
  index: number;
}

/** Levels 1..7 above a full tile's hashes, level by level: 128 + 64 + ... + 2 hashes. */
export const INNER_HASHES = 254;

export class TileSet {
  private readonly tiles = new Map<string, { hashes: Uint8Array; inner: Uint8Array | undefined }>();

  /** `inner`: the full tile's inner levels (tileLevels), so no hashing is needed to read them. */
  set(level: number, index: number, hashes: Uint8Array, inner?: Uint8Array): void {
    this.tiles.set(`${level}/${index}`, { hashes, inner });
  }

  get(level: number, index: number): Uint8Array | undefined {
    return this.tiles.get(`${level}/${index}`)?.hashes;
  }

  inner(level: number, index: number): Uint8Array | undefined {
    return this.tiles.get(`${level}/${index}`)?.inner;
  }

  /** The hash of the perfect subtree at `level`, `index`, from the one tile that covers it. */
  readonly node = (level: number, index: number): Uint8Array => this.subtree(level, index);

  private subtree(level: number, index: number): Uint8Array {
    const { tile, offset, count } = locate(level, index);
    const bytes = this.get(tile.level, tile.index);
    if (!bytes || bytes.length < (offset + count) * HASH_SIZE) {
      throw new RangeError(
        `tile ${tile.level}/${tile.index} is missing or too short for node ${level}/${index}`,
      );
    }
    if (count === 1) return bytes.subarray(offset * HASH_SIZE, (offset + 1) * HASH_SIZE);
    const inner = this.inner(tile.level, tile.index);
    if (inner?.length === INNER_HASHES * HASH_SIZE && bytes.length === TILE_WIDTH * HASH_SIZE) {
      const at = innerIndex(offset, count);
      return inner.subarray(at * HASH_SIZE, (at + 1) * HASH_SIZE);
    }
    return perfectRoot(splitHashes(bytes, offset, count));
  }

  root(size: number): Uint8Array {
    return size === 0 ? EMPTY_ROOT : hashRange(0, size, this.node);
  }

  inclusionProof(index: number, size: number): Uint8Array[] {
    if (!(index >= 0 && index < size))
      throw new AuditError('invalid_argument', `index ${index} not below size ${size}`);
    return inclusionRanges(index, size).map(([a, b]) => hashRange(a, b, this.node));
  }

  consistencyProof(size1: number, size2: number): Uint8Array[] {
    if (!(size1 > 0 && size1 <= size2)) {
      throw new AuditError(
        'invalid_argument',
        `consistency needs 0 < size1 <= size2, got ${size1} and ${size2}`,
      );
    }
    return consistencyRanges(size1, size2).map(([a, b]) => hashRange(a, b, this.node));
  }
}

/**
 * Position in a full tile's inner levels of the node over `count` (2..128) hashes from `offset`:
 * level r = log2(count) starts after the 256 - 2^(9 - r) hashes of the levels below it.
 */
export function innerIndex(offset: number, count: number): number {
  return TILE_WIDTH - 2 ** (TILE_HEIGHT + 1 - Math.log2(count)) + offset / count;
}

/** Where a node's hashes live: the tile and the run of `count` (a power of two) hashes in it. */
export function locate(level: number, index: number): { tile: TileId; offset: number; count: number } {
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const count = 2 ** (level % TILE_HEIGHT);
  const first = index * count;
  return {
    tile: { level: tileLevel, index: Math.floor(first / TILE_WIDTH) },
    offset: first % TILE_WIDTH,
    count,
  };
}

/** Tiles that hold every node needed to hash the given ranges. */
export function tilesFor(ranges: readonly Range[]): TileId[] {
  const seen = new Map<string, TileId>();
  for (const [start, end] of ranges) {
    for (const n of perfectNodes(start, end)) {
      const { tile } = locate(n.level, n.index);
      seen.set(`${tile.level}/${tile.index}`, tile);
    }
  }
  return [...seen.values()];
}

export function tilesForRoot(size: number): TileId[] {
  return size === 0 ? [] : tilesFor([[0, size]]);
}

export function tilesForInclusion(index: number, size: number): TileId[] {
  return tilesFor([[index, index + 1], ...inclusionRanges(index, size)]);
}

export function tilesForConsistency(size1: number, size2: number): TileId[] {
  return tilesFor(size1 === 0 || size1 === size2 ? [] : consistencyRanges(size1, size2));
}

export function splitHashes(bytes: Uint8Array, offset = 0, count = bytes.length / HASH_SIZE): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = offset; i < offset + count; i++) out.push(bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  return out;
}

export function joinHashes(hashes: readonly Uint8Array[]): Uint8Array {
  return concat(...hashes);
}

/** A full tile's root (the hash one level up) and its inner levels, as stored beside it. */
export function tileLevels(hashes: Uint8Array[]): { root: Uint8Array; inner: Uint8Array } {
  const inner: Uint8Array[] = [];
  let level = hashes;
  while (level.length > 1) {
    const up: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2)
      up.push(nodeHash(level[i] as Uint8Array, level[i + 1] as Uint8Array));
    level = up;
    if (level.length > 1) inner.push(...level);
  }
  return { root: level[0] as Uint8Array, inner: concat(...inner) };
}

/** MTH of a power-of-two run of subtree hashes. */
export function perfectRoot(hashes: Uint8Array[]): Uint8Array {
  let level = hashes;
  while (level.length > 1) {
    const up: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2)
      up.push(nodeHash(level[i] as Uint8Array, level[i + 1] as Uint8Array));
    level = up;
  }
  return level[0] as Uint8Array;
}
