import { bytesEqual } from '../encoding.js';
import { isHash, nodeHash } from './hash.js';
import { asUint64, type TreeIndex } from './sizes.js';

/**
 * Proof verification exactly as RFC 9162 §2.1.3.2 and §2.1.4.2 state it, on uint64 arithmetic
 * (bigint) so that malicious sizes near 2^64 are judged, not wrapped. Every malformed input yields
 * false, never an exception: a verifier answers one question.
 */

/** RFC 9162 §2.1.3.2 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: TreeIndex,
  size: TreeIndex,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const leafIndex = asUint64(index);
  const treeSize = asUint64(size);
  if (leafIndex === undefined || treeSize === undefined || leafIndex >= treeSize) return false;
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return false;
  let fn = leafIndex;
  let sn = treeSize - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && bytesEqual(r, root);
}

/** RFC 9162 §2.1.4.2, with the edge cases of the transparency-dev/merkle reference verifier. */
export function verifyConsistency(
  size1: TreeIndex,
  size2: TreeIndex,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  const first = asUint64(size1);
  const second = asUint64(size2);
  if (first === undefined || second === undefined || second < first) return false;
  // Equal sizes: the roots must be the same value and there is nothing to prove.
  if (first === second) return proof.length === 0 && bytesEqual(root1, root2);
  // Every tree extends the empty one; a "proof" from size 0 proves nothing and is refused.
  if (first === 0n || proof.length === 0) return false;
  if (!isHash(root1) || !isHash(root2) || !proof.every(isHash)) return false;

  const path = (first & (first - 1n)) === 0n ? [root1, ...proof] : [...proof];
  let fn = first - 1n;
  let sn = second - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}
