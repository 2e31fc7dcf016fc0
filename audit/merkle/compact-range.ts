import { AuditError } from '../errors.js';
import { EMPTY_ROOT, isHash, nodeHash } from './hash.js';

/**
 * The right edge of a tree of `size` leaves: one perfect-subtree hash per set bit of the size,
 * largest first. Enough to append leaves and compute every later root, so a monitor keeps only
 * this (a few hundred bytes) between runs instead of the whole log.
 */
export class CompactRange {
  private constructor(
    private count: number,
    private readonly hashes: Uint8Array[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Rebuilds a saved range; the number of hashes must match the set bits of size. */
  static from(size: number, hashes: readonly Uint8Array[]): CompactRange {
    if (!Number.isSafeInteger(size) || size < 0 || hashes.length !== setBits(size) || !hashes.every(isHash)) {
      throw new AuditError(
        'invalid_argument',
        `a compact range of size ${size} needs ${setBits(size)} hashes`,
      );
    }
    return new CompactRange(size, [...hashes]);
  }

  get size(): number {
    return this.count;
  }

  get nodes(): readonly Uint8Array[] {
    return this.hashes;
  }

  append(leaf: Uint8Array): void {
    let hash = leaf;
    // Each trailing one bit of the old size is a subtree the new leaf completes.
    for (let s = this.count; s % 2 === 1; s = Math.floor(s / 2)) {
      hash = nodeHash(this.hashes.pop() as Uint8Array, hash);
    }
    this.hashes.push(hash);
    this.count++;
  }

  root(): Uint8Array {
    let hash = this.hashes[this.hashes.length - 1];
    if (!hash) return EMPTY_ROOT;
    for (let i = this.hashes.length - 2; i >= 0; i--) hash = nodeHash(this.hashes[i] as Uint8Array, hash);
    return hash;
  }

  clone(): CompactRange {
    return new CompactRange(this.count, [...this.hashes]);
  }
}

function setBits(n: number): number {
  let bits = 0;
  for (let s = n; s > 0; s = Math.floor(s / 2)) bits += s % 2;
  return bits;
}
