import t from 'tap';
import { uint32BE } from '../../../audit/encoding.js';
import {
  integrate,
  leafHash,
  MemoryTree,
  parseTilePath,
  TileSet,
  tilePath,
  tilesForConsistency,
  tilesForInclusion,
  tilesForRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../../audit/index.js';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const N = 70_000;
const leaves = Array.from({ length: N }, (_, i) => leafHash(uint32BE(i)));
const reference = MemoryTree.fromLeafHashes(leaves);

/** Plays the storage driver: keeps whatever tiles integrate returns. */
function grow(batches: number[]) {
  const stored = new TileSet();
  let size = 0;
  const roots: [number, Uint8Array][] = [];
  for (const n of batches) {
    const edge = new TileSet();
    for (const id of tilesForRoot(size)) {
      const tile = stored.get(id.level, id.index);
      if (tile) edge.set(id.level, id.index, tile);
    }
    const result = integrate(size, leaves.slice(size, size + n), edge);
    for (const w of result.tiles) stored.set(w.level, w.index, w.hashes, w.inner);
    size = result.size;
    roots.push([size, result.root]);
  }
  return { stored, size, roots };
}

const random = rng(42);
const batches: number[] = [];
for (let total = 0; total < N; ) {
  const n = Math.min(N - total, Math.floor(random() * (random() < 0.2 ? 3000 : 300)) + 1);
  batches.push(n);
  total += n;
}
const grown = grow(batches);

t.test('integrating in random batches gives the same root as hashing all leaves', async (t) => {
  t.equal(grown.size, N);
  for (const [size, root] of grown.roots) t.same(root, reference.root(size), `root at ${size}`);
});

t.test('tile layout of a 70,000-leaf tree matches the tlog-tiles example', async (t) => {
  const width = (level: number, index: number) => (grown.stored.get(level, index)?.length ?? 0) / 32;
  for (let i = 0; i < 273; i++) if (width(0, i) !== 256) t.fail(`level 0 tile ${i} should be full`);
  t.equal(width(0, 273), 112, 'partial level 0 tile of width 112');
  t.equal(width(1, 0), 256, 'one full level 1 tile');
  t.equal(width(1, 1), 17, 'partial level 1 tile of width 17');
  t.equal(width(2, 0), 1, 'partial level 2 tile of width 1');
  t.equal(width(0, 274), 0);
});

t.test('proofs computed from tiles equal in-memory proofs at every earlier size', async (t) => {
  const pick = rng(7);
  for (let k = 0; k < 300; k++) {
    const size = 1 + Math.floor(pick() * N);
    const index = Math.floor(pick() * size);
    // Half the time as a client of tlog-tiles would (hashes only), half as the server (inner levels too).
    const needed = new TileSet();
    for (const id of tilesForInclusion(index, size)) {
      const inner = k % 2 === 0 ? grown.stored.inner(id.level, id.index) : undefined;
      needed.set(id.level, id.index, grown.stored.get(id.level, id.index) as Uint8Array, inner);
    }
    const proof = needed.inclusionProof(index, size);
    t.same(proof, reference.inclusionProof(index, size), `inclusion ${index} in ${size}`);
    t.ok(verifyInclusion(leaves[index] as Uint8Array, index, size, proof, reference.root(size)));

    const size1 = 1 + Math.floor(pick() * size);
    const forConsistency = new TileSet();
    for (const id of tilesForConsistency(size1, size)) {
      forConsistency.set(id.level, id.index, grown.stored.get(id.level, id.index) as Uint8Array);
    }
    const cproof = forConsistency.consistencyProof(size1, size);
    t.same(cproof, reference.consistencyProof(size1, size), `consistency ${size1} to ${size}`);
    t.ok(verifyConsistency(size1, size, cproof, reference.root(size1), reference.root(size)));
  }
});

t.test('full tiles carry their inner levels; partial tiles none', async (t) => {
  t.equal(grown.stored.inner(0, 0)?.length, 254 * 32);
  t.equal(grown.stored.inner(1, 0)?.length, 254 * 32);
  t.equal(grown.stored.inner(0, 273), undefined);
  // The first inner hash is the node over leaves 0 and 1; the last over leaves 128..255's halves.
  t.same(grown.stored.inner(0, 0)?.subarray(0, 32), reference.node(1, 0));
  t.same(grown.stored.inner(0, 0)?.subarray(253 * 32), reference.node(7, 1));
});

t.test('a missing tile is an error, not a wrong hash', async (t) => {
  t.throws(() => new TileSet().inclusionProof(3, 10), RangeError);
  t.throws(() => integrate(10, [leaves[10] as Uint8Array], new TileSet()), RangeError);
});

t.test('tile paths follow tlog-tiles', async (t) => {
  t.equal(tilePath({ level: 0, index: 1234067, width: 256 }), 'tile/0/x001/x234/067');
  t.equal(tilePath({ level: 2, index: 5, width: 17 }), 'tile/2/005.p/17');
  t.equal(tilePath({ level: 'entries', index: 1000, width: 3 }), 'tile/entries/x001/000.p/3');
  for (const p of ['tile/0/x001/x234/067', 'tile/63/000', 'tile/entries/x001/000.p/255', 'tile/1/999.p/1']) {
    const parsed = parseTilePath(p);
    t.ok(parsed, p);
    if (parsed) t.equal(tilePath(parsed), p, `${p} round-trips`);
  }
  for (const bad of [
    'tile/64/000',
    'tile/01/000',
    'tile/0/x000/001',
    'tile/0/1',
    'tile/0/x001',
    'tile/0/000.p/256',
    'tile/0/000.p/0',
    'tile/0/000.p/012',
    'tile/0/000/',
    'tile/foo/000',
  ]) {
    t.equal(parseTilePath(bad), undefined, `${bad} is refused`);
  }
});
