import { nodeHash } from './hash.js';

/**
 * The proof algorithms of RFC 9162 §2.1.3.1 (PATH) and §2.1.4.1 (SUBPROOF) written as the list of
 * subtree ranges whose hashes form the proof, so one definition serves every hash source: leaves
 * in memory, or the tiles of a stored log. Sizes are plain numbers (safe integers); arithmetic
 * avoids 32-bit bitwise operators on purpose.
 */

/** Leaves [start, end) of the tree. */
export type Range = readonly [start: number, end: number];

/** A perfect subtree: 2^level leaves starting at leaf index * 2^level. */
export interface NodeId {
  level: number;
  index: number;
}

/** Returns the hash of a perfect subtree; level 0 is the leaf hash. */
export type NodeSource = (level: number, index: number) => Uint8Array;

/** The largest power of two strictly below n (n > 1): where RFC 9162 splits D[0:n]. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** PATH(index, D[0:size]): sibling ranges from the leaf up to the root. */
export function inclusionRanges(index: number, size: number): Range[] {
  const out: Range[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo += k;
    }
  }
  return out.reverse();
}

/** PROOF(size1, D[0:size2]) = SUBPROOF(size1, D[0:size2], true), for 0 < size1 < size2. */
export function consistencyRanges(size1: number, size2: number): Range[] {
  const out: Range[] = [];
  let lo = 0;
  let hi = size2;
  let m = size1;
  let whole = true;
  while (m !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo += k;
      m -= k;
      whole = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old tree's root is only omitted when the verifier has it.
  if (!whole) out.push([lo, hi]);
  return out.reverse();
}

/**
 * Splits [start, end) into perfect subtrees, largest first, exactly as RFC 9162 builds
 * MTH(D[start:end]). Every range a proof uses starts aligned to its largest part; others throw.
 */
export function perfectNodes(start: number, end: number): NodeId[] {
  const out: NodeId[] = [];
  let at = start;
  while (at < end) {
    let level = 0;
    while (2 ** (level + 1) <= end - at) level++;
    if (at % 2 ** level !== 0) throw new RangeError(`[${start}, ${end}) is not a subtree range`);
    out.push({ level, index: at / 2 ** level });
    at += 2 ** level;
  }
  return out;
}

/** MTH(D[start:end]) from perfect-subtree hashes, folding from the right edge. */
export function hashRange(start: number, end: number, node: NodeSource): Uint8Array {
  const nodes = perfectNodes(start, end);
  const last = nodes.pop();
  if (!last) throw new RangeError('empty range has no subtree hash');
  let hash = node(last.level, last.index);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i] as NodeId;
    hash = nodeHash(node(n.level, n.index), hash);
  }
  return hash;
}
