import { AuditError } from '../errors.js';
import { EMPTY_ROOT, type LeafData, leafHash, nodeHash } from './hash.js';
import { consistencyRanges, hashRange, inclusionRanges } from './ranges.js';
import { asSafeIndex, type TreeIndex } from './sizes.js';

/**
 * A Merkle tree held in memory: every perfect subtree hash, level by level. Used by the published
 * API on plain entry lists, by tests, and by monitors re-hashing a downloaded range.
 */
export class MemoryTree {
  private readonly levels: Uint8Array[][];

  private constructor(leafHashes: Uint8Array[]) {
    this.levels = [leafHashes];
    for (let below = leafHashes; below.length > 1; ) {
      const level: Uint8Array[] = [];
      for (let i = 0; i + 1 < below.length; i += 2)
        level.push(nodeHash(below[i] as Uint8Array, below[i + 1] as Uint8Array));
      this.levels.push(level);
      below = level;
    }
  }

  static fromEntries(entries: readonly LeafData[]): MemoryTree {
    return new MemoryTree(entries.map(leafHash));
  }

  static fromLeafHashes(hashes: readonly Uint8Array[]): MemoryTree {
    return new MemoryTree([...hashes]);
  }

  get size(): number {
    return (this.levels[0] as Uint8Array[]).length;
  }

  readonly node = (level: number, index: number): Uint8Array => {
    const hash = this.levels[level]?.[index];
    if (!hash) throw new RangeError(`no perfect subtree at level ${level} index ${index}`);
    return hash;
  };

  root(size: TreeIndex = this.size): Uint8Array {
    const n = this.checkSize(size);
    return n === 0 ? EMPTY_ROOT : hashRange(0, n, this.node);
  }

  inclusionProof(index: TreeIndex, size: TreeIndex = this.size): Uint8Array[] {
    const n = this.checkSize(size);
    const i = asSafeIndex(index, 'index');
    if (i >= n) throw new AuditError('invalid_argument', `index ${i} is not below tree size ${n}`);
    return inclusionRanges(i, n).map(([a, b]) => hashRange(a, b, this.node));
  }

  consistencyProof(size1: TreeIndex, size2: TreeIndex = this.size): Uint8Array[] {
    const n2 = this.checkSize(size2);
    const n1 = asSafeIndex(size1, 'size1');
    if (n1 === 0 || n1 > n2) {
      throw new AuditError('invalid_argument', `consistency needs 0 < size1 <= size2, got ${n1} and ${n2}`);
    }
    return consistencyRanges(n1, n2).map(([a, b]) => hashRange(a, b, this.node));
  }

  private checkSize(size: TreeIndex): number {
    const n = asSafeIndex(size, 'size');
    if (n > this.size)
      throw new AuditError('invalid_argument', `size ${n} exceeds the ${this.size} leaves held`);
    return n;
  }
}

/** MTH(D[0:n]) of raw entries. */
export function rootFromLeaves(entries: readonly LeafData[]): Uint8Array {
  return MemoryTree.fromEntries(entries).root();
}

/** RFC 9162 inclusion proof of entries[index] in the tree of all entries. */
export function inclusionProof(entries: readonly LeafData[], index: TreeIndex): Uint8Array[] {
  return MemoryTree.fromEntries(entries).inclusionProof(index);
}

/** RFC 9162 consistency proof from the first size1 entries to all entries. */
export function consistencyProof(entries: readonly LeafData[], size1: TreeIndex): Uint8Array[] {
  return MemoryTree.fromEntries(entries).consistencyProof(size1);
}
