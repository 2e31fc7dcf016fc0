import { TILE_HEIGHT } from '../tiles/paths.js';

/**
 * Hashes of perfect subtrees a reader has already fetched or computed. A perfect subtree's leaves
 * are all in the log, so its hash never changes: it can be kept without ever being invalidated.
 * Kept are the nodes every proof shares and the costly ones: everything above the level-0 tiles
 * (a few per 65,536 entries) and any node hashed from a run of a partial tile (the tree's right
 * edge, which every proof at a size includes). Bounded, least recently used evicted first.
 */
export class PerfectNodes {
  private readonly nodes = new Map<string, Uint8Array>();

  constructor(private readonly capacity = 1 << 17) {}

  /** Worth keeping: shared by many proofs, or computed rather than read. */
  static keeps(level: number, hashedFrom: number): boolean {
    return level >= TILE_HEIGHT || hashedFrom > 1;
  }

  get(level: number, index: number): Uint8Array | undefined {
    const key = `${level}/${index}`;
    const hash = this.nodes.get(key);
    if (hash) {
      // Re-inserting marks the node as recently used.
      this.nodes.delete(key);
      this.nodes.set(key, hash);
    }
    return hash;
  }

  add(level: number, index: number, hash: Uint8Array): void {
    this.nodes.set(`${level}/${index}`, hash);
    if (this.nodes.size > this.capacity) this.nodes.delete(this.nodes.keys().next().value as string);
  }
}
