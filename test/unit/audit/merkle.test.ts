import t from 'tap';
import { fromBase64, fromHex, toHex, utf8 } from '../../../audit/encoding.js';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MemoryTree,
  nodeHash,
  rootFromLeaves,
  verifyConsistency,
  verifyInclusion,
} from '../../../audit/index.js';
import * as v from './vectors/transparency-dev-merkle.js';

const hex = (s: string) => fromHex(s) as Uint8Array;
const b64 = (s: string) => fromBase64(s) as Uint8Array;
const leaves = v.leaves.map(hex);
const roots = v.roots.map(hex);
const MASK = 2n ** 64n - 1n;
const u64 = (n: bigint) => n & MASK;

interface Inclusion {
  index: bigint;
  size: bigint;
  root: Uint8Array;
  leaf: Uint8Array;
  proof: Uint8Array[];
  desc: string;
}

interface Consistency {
  size1: bigint;
  size2: bigint;
  root1: Uint8Array;
  root2: Uint8Array;
  proof: Uint8Array[];
  desc: string;
}

/** proofgen's invalidInclusionProof: the corruptions published as testdata/inclusion/<i>/*.json. */
function corruptInclusion(p: Inclusion): Inclusion[] {
  const some = hex(v.sha256SomeHash);
  const out: Inclusion[] = [
    { ...p, index: u64(p.index - 1n), desc: 'leafIdx sub @1' },
    { ...p, index: u64(p.index + 1n), desc: 'leafIdx plus @1' },
    { ...p, index: p.index ^ 2n, desc: 'leafIdx XOR @2' },
    { ...p, size: u64(p.size * 2n), desc: 'treeSize mul @2' },
    { ...p, size: p.size / 2n, desc: 'treeSize div @2' },
    { ...p, leaf: utf8('WrongLeaf'), desc: 'wrong leaf' },
    { ...p, root: hex(v.sha256EmptyTreeHash), desc: 'empty root' },
    { ...p, root: some, desc: 'random root' },
    { ...p, proof: [...p.proof, new Uint8Array(0)], desc: 'trailing garbage' },
    { ...p, proof: [...p.proof, p.root], desc: 'trailing root' },
    { ...p, proof: [new Uint8Array(0), ...p.proof], desc: 'preceding garbage' },
    { ...p, proof: [p.root, ...p.proof], desc: 'preceding root' },
  ];
  p.proof.forEach((_, i) => {
    out.push({ ...p, proof: flipBit(p.proof, i, 8), desc: `modified proof[${i}] bit @3` });
  });
  if (p.proof.length > 0) out.push({ ...p, proof: p.proof.slice(0, -1), desc: 'removed component' });
  if (p.proof.length > 1) {
    out.push({
      ...p,
      proof: [p.proof[0] as Uint8Array, some, ...p.proof.slice(1)],
      desc: 'inserted component',
    });
  }
  return out;
}

/** proofgen's invalidConsistencyProof (testdata/consistency/<i>/*.json). */
function corruptConsistency(p: Consistency): Consistency[] {
  const wrong = utf8('WrongRoot');
  const out: Consistency[] = [
    { ...p, size1: u64(p.size1 - 1n), desc: 'size1 sub @1' },
    { ...p, size1: u64(p.size1 + 1n), desc: 'size1 plus @1' },
    { ...p, size1: p.size1 ^ 2n, desc: 'size1 XOR @2' },
    { ...p, size2: u64(p.size2 * 2n), desc: 'size2 mul @2' },
    { ...p, size2: p.size2 / 2n, desc: 'size2 div @2' },
    { ...p, root1: wrong, desc: 'wrong root1' },
    { ...p, root2: wrong, desc: 'wrong root2' },
    { ...p, root1: p.root2, root2: p.root1, desc: 'swapped roots' },
    { ...p, proof: [], desc: 'empty proof' },
    { ...p, proof: [...p.proof, new Uint8Array(0)], desc: 'trailing garbage' },
    { ...p, proof: [...p.proof, p.root1], desc: 'trailing root1' },
    { ...p, proof: [...p.proof, p.root2], desc: 'trailing root2' },
    { ...p, proof: [new Uint8Array(0), ...p.proof], desc: 'preceding garbage' },
    { ...p, proof: [p.root1, ...p.proof], desc: 'preceding root1' },
    { ...p, proof: [p.root2, ...p.proof], desc: 'preceding root2' },
    { ...p, proof: [p.proof[0] as Uint8Array, ...p.proof], desc: 'preceding proof @0' },
  ];
  if (p.proof.length > 0) out.push({ ...p, proof: p.proof.slice(0, -1), desc: 'truncated proof' });
  p.proof.forEach((_, i) => {
    out.push({ ...p, proof: flipBit(p.proof, i, 16), desc: `modified proof@${i} bit @4` });
  });
  return out;
}

function flipBit(proof: Uint8Array[], i: number, mask: number): Uint8Array[] {
  const copy = proof.map((h) => h.slice());
  (copy[i] as Uint8Array)[0] = ((copy[i] as Uint8Array)[0] as number) ^ mask;
  return copy;
}

const happyInclusion: Inclusion[] = v.inclusionProofs.map((p) => ({
  index: BigInt(p.leafIdx - 1),
  size: BigInt(p.size),
  root: roots[p.size - 1] as Uint8Array,
  leaf: leafHash(leaves[p.leafIdx - 1] as Uint8Array),
  proof: p.proof.map(hex),
  desc: 'happy path',
}));

const happyConsistency: Consistency[] = v.consistencyProofs.map((p) => ({
  size1: BigInt(p.size1),
  size2: BigInt(p.size2),
  root1: roots[p.size1 - 1] as Uint8Array,
  root2: roots[p.size2 - 1] as Uint8Array,
  proof: p.proof.map(hex),
  desc: 'happy path',
}));

const checkInclusion = (p: Inclusion) => verifyInclusion(p.leaf, p.index, p.size, p.proof, p.root);
const checkConsistency = (p: Consistency) => verifyConsistency(p.size1, p.size2, p.proof, p.root1, p.root2);

t.test('roots of the reference leaves for sizes 0 to 8', async (t) => {
  t.equal(toHex(rootFromLeaves([])), v.sha256EmptyTreeHash, 'size 0 is SHA-256 of nothing');
  t.same(EMPTY_ROOT, hex(v.sha256EmptyTreeHash));
  for (let n = 1; n <= 8; n++)
    t.equal(toHex(rootFromLeaves(leaves.slice(0, n))), v.roots[n - 1], `size ${n}`);
});

t.test('published inclusion proofs are generated exactly and verify', async (t) => {
  for (const [i, p] of v.inclusionProofs.entries()) {
    const proof = inclusionProof(leaves.slice(0, p.size), p.leafIdx - 1);
    t.same(proof.map(toHex), p.proof, `testdata/inclusion/${i} proof`);
    t.ok(checkInclusion(happyInclusion[i] as Inclusion), `testdata/inclusion/${i}/happy-path verifies`);
  }
});

t.test('published consistency proofs are generated exactly and verify', async (t) => {
  for (const [i, p] of v.consistencyProofs.entries()) {
    const proof = consistencyProof(leaves.slice(0, p.size2), p.size1);
    t.same(proof.map(toHex), p.proof, `testdata/consistency/${i} proof`);
    t.ok(
      checkConsistency(happyConsistency[i] as Consistency),
      `testdata/consistency/${i}/happy-path verifies`,
    );
  }
});

t.test('every corrupted inclusion probe of testdata/inclusion fails', async (t) => {
  let count = 0;
  for (const [i, p] of happyInclusion.entries()) {
    for (const bad of corruptInclusion(p)) {
      count++;
      t.notOk(checkInclusion(bad), `testdata/inclusion/${i}: ${bad.desc}`);
    }
  }
  t.ok(count >= 70, `${count} negative inclusion probes`);
});

t.test('every corrupted consistency probe of testdata/consistency fails', async (t) => {
  let count = 0;
  for (const [i, p] of happyConsistency.entries()) {
    // proofgen only corrupts non-trivial proofs (size1 < size2).
    if (p.proof.length === 0) continue;
    for (const bad of corruptConsistency(p)) {
      count++;
      t.notOk(checkConsistency(bad), `testdata/consistency/${i}: ${bad.desc}`);
    }
  }
  t.ok(count >= 70, `${count} negative consistency probes`);
});

t.test('the corruption rules reproduce the published testdata files', async (t) => {
  const inc = v.publishedInclusionProbes['testdata/inclusion/1/inserted-component.json'] as v.InclusionProbe;
  const generated = corruptInclusion(happyInclusion[1] as Inclusion).find(
    (p) => p.desc === inc.desc,
  ) as Inclusion;
  t.same(generated.proof, (inc.proof ?? []).map(b64));
  const wrap = v.publishedInclusionProbes['testdata/inclusion/0/leafIdx-sub-@1.json'] as v.InclusionProbe;
  t.equal(corruptInclusion(happyInclusion[0] as Inclusion)[0]?.index, wrap.leafIdx, 'uint64 wrap-around');
  const mod = v.publishedConsistencyProbes[
    'testdata/consistency/1/modified-proof@0-bit-@4.json'
  ] as v.ConsistencyProbe;
  const gen = corruptConsistency(happyConsistency[1] as Consistency).find(
    (p) => p.desc === mod.desc,
  ) as Consistency;
  t.same(gen.proof, (mod.proof ?? []).map(b64));
  const xor = v.publishedConsistencyProbes['testdata/consistency/4/size1-XOR-@2.json'] as v.ConsistencyProbe;
  t.equal(corruptConsistency(happyConsistency[4] as Consistency)[2]?.size1, BigInt(xor.size1));
});

t.test('published testdata files verify as their wantErr says', async (t) => {
  for (const [path, p] of Object.entries(v.publishedInclusionProbes)) {
    const ok = verifyInclusion(b64(p.leafHash), p.leafIdx, p.treeSize, (p.proof ?? []).map(b64), b64(p.root));
    t.equal(ok, !p.wantErr, path);
  }
  for (const [path, p] of Object.entries(v.publishedConsistencyProbes)) {
    t.equal(
      verifyConsistency(p.size1, p.size2, (p.proof ?? []).map(b64), b64(p.root1), b64(p.root2)),
      !p.wantErr,
      path,
    );
  }
  for (const p of v.additionalConsistencyProbes) {
    const ok = verifyConsistency(p.size1, p.size2, (p.proof ?? []).map(b64), b64(p.root1), b64(p.root2));
    t.equal(ok, !p.wantErr, `testdata/consistency/additional: ${p.desc}`);
  }
});

t.test('static inclusion probes (testdata/inclusion/additional and single-entry)', async (t) => {
  const some = hex(v.sha256SomeHash);
  const empty = hex(v.sha256EmptyTreeHash);
  for (const [index, size] of [
    [0, 0],
    [0, 1],
    [1, 0],
    [2, 1],
  ] as const) {
    t.notOk(verifyInclusion(some, index, size, [], new Uint8Array(0)), `${index}/${size} random leaf`);
    t.notOk(verifyInclusion(new Uint8Array(0), index, size, [], empty), `${index}/${size} empty root`);
    t.notOk(verifyInclusion(some, index, size, [], empty), `${index}/${size} empty root and random leaf`);
  }
  const hash = leafHash(utf8('data'));
  t.ok(verifyInclusion(hash, 0, 1, [], hash), 'matching root and leaf');
  t.notOk(verifyInclusion(new Uint8Array(0), 0, 1, [], hash), 'empty leaf');
  t.notOk(verifyInclusion(hash, 0, 1, [], new Uint8Array(0)), 'empty root');
  t.notOk(verifyInclusion(new Uint8Array(0), 0, 1, [], new Uint8Array(0)), 'empty root and leaf');
});

/** RFC 9162 §2.1.1–2.1.4 written recursively, as an independent reference. */
const mth = (d: Uint8Array[]): Uint8Array => {
  if (d.length === 0) return EMPTY_ROOT;
  if (d.length === 1) return leafHash(d[0] as Uint8Array);
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
};
const path = (m: number, d: Uint8Array[]): Uint8Array[] => {
  if (d.length <= 1) return [];
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return m < k
    ? [...path(m, d.slice(0, k)), mth(d.slice(k))]
    : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
};
const subproof = (m: number, d: Uint8Array[], b: boolean): Uint8Array[] => {
  if (m === d.length) return b ? [] : [mth(d)];
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
};

t.test('generated proofs equal the RFC 9162 recursive definitions and verify, sizes 1..33', async (t) => {
  const data = Array.from({ length: 33 }, (_, i) => utf8(`entry ${i}`));
  const tree = MemoryTree.fromEntries(data);
  for (let n = 1; n <= data.length; n++) {
    const d = data.slice(0, n);
    const root = tree.root(n);
    t.same(root, mth(d), `root ${n}`);
    for (let m = 0; m < n; m++) {
      const proof = tree.inclusionProof(m, n);
      t.same(proof, path(m, d), `PATH(${m}, D[${n}])`);
      t.ok(verifyInclusion(leafHash(d[m] as Uint8Array), m, n, proof, root));
      if (m + 1 < n) t.notOk(verifyInclusion(leafHash(d[m] as Uint8Array), m + 1, n, proof, root));
    }
    for (let m = 1; m <= n; m++) {
      const proof = tree.consistencyProof(m, n);
      t.same(proof, subproof(m, d, true), `PROOF(${m}, D[${n}])`);
      t.ok(verifyConsistency(m, n, proof, tree.root(m), root));
      if (m < n) t.notOk(verifyConsistency(m, n, proof, tree.root(m), tree.root(n - 1)));
    }
  }
});

t.test('bigint and number sizes are interchangeable; out-of-range values are refused', async (t) => {
  const p = happyInclusion[1] as Inclusion;
  t.ok(verifyInclusion(p.leaf, 0n, 8n, p.proof, p.root));
  t.ok(verifyInclusion(p.leaf, 0, 8, p.proof, p.root));
  t.notOk(verifyInclusion(p.leaf, -1, 8, p.proof, p.root));
  t.notOk(verifyInclusion(p.leaf, 0, 2n ** 64n, p.proof, p.root));
  t.notOk(verifyInclusion(p.leaf, 0.5, 8, p.proof, p.root));
  t.throws(() => inclusionProof(leaves, 8), { code: 'invalid_argument' });
  t.throws(() => inclusionProof(leaves, -1), { code: 'invalid_argument' });
  t.throws(() => consistencyProof(leaves, 0), { code: 'invalid_argument' });
  t.throws(() => consistencyProof(leaves, 9), { code: 'invalid_argument' });
  t.same(consistencyProof(leaves, 8), [], 'a tree is consistent with itself with an empty proof');
});
