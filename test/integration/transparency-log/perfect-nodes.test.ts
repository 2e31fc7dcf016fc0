// Proofs in a log past one full level-1 tile (65,536 entries): the reader keeps the perfect
// subtree hashes above level 0 and those of the tree's right edge after the first proof; cold and
// warm proofs, and inclusion and consistency, must verify, and warm ones read only level-0 tiles.
import t from 'tap';
import { leafHash, verifyConsistency, verifyInclusion } from '../../../audit/index.js';
import { LogReader } from '../../../audit/store/log-reader.js';
import { logFixture } from './support.js';

const SIZE = 70_000;

t.test('invariant 4: proofs from kept perfect nodes verify against the signed roots', async (t) => {
  const f = await logFixture(t, { batchSize: 40_000 });
  // Events written in SQL, as the benchmark does: 70,000 appends through the API would only be slower.
  await f.app.query(
    `INSERT INTO tlog_pending (data)
     SELECT convert_to(format('{"actor":"account:t","details":{"n":%s},"project":null,"subject":null,"time":"2026-11-22T00:00:00.000Z","type":"test.accessed"}', i), 'UTF8')
     FROM generate_series(0, $1::int - 1) i`,
    [SIZE],
  );
  await f.integrator.drain();
  const latest = await f.reader.latest();
  t.equal(latest?.size, SIZE);
  const first = await f.reader.checkpointAt(40_000);
  t.ok(first, 'a checkpoint at the first batch');

  const reader = new LogReader(f.app);
  // The tile levels each proof query reads, from the pool the reader uses.
  const tileLevels: number[][] = [];
  const query = f.app.query.bind(f.app) as (...args: unknown[]) => unknown;
  f.app.query = ((config: { name?: string; values?: unknown[] }, ...rest: unknown[]) => {
    if (config?.name === 'tlog_proof_nodes') tileLevels.push(config.values?.[1] as number[]);
    return query(config, ...rest);
  }) as typeof f.app.query;
  t.teardown(() => {
    f.app.query = query as typeof f.app.query;
  });
  const indices = [0, 1, 255, 256, 40_001, 65_535, 65_536, 69_999];
  for (const round of ['cold', 'warm']) {
    tileLevels.length = 0;
    for (const index of indices) {
      const [entry] = await reader.entries(index, index + 1);
      const proof = await reader.inclusionProof(index, SIZE);
      t.ok(
        verifyInclusion(leafHash(entry?.data as Uint8Array), index, SIZE, proof, latest?.root as Uint8Array),
        `${round}: inclusion of ${index}`,
      );
    }
    const consistency = await reader.consistencyProof(40_000, SIZE);
    t.ok(
      verifyConsistency(40_000, SIZE, consistency, first?.root as Uint8Array, latest?.root as Uint8Array),
      `${round}: consistency 40,000 → ${SIZE}`,
    );
    const upper = tileLevels.flat().filter((level) => level > 0).length;
    if (round === 'cold') t.ok(upper > 0, 'cold proofs read nodes above level 0');
    else t.equal(upper, 0, 'warm proofs read only level-0 tiles');
  }
  // A proof for an earlier tree size uses the nodes kept at the later one: perfect nodes never change.
  const [entry] = await reader.entries(12_345, 12_346);
  t.ok(
    verifyInclusion(
      leafHash(entry?.data as Uint8Array),
      12_345,
      40_000,
      await reader.inclusionProof(12_345, 40_000),
      first?.root as Uint8Array,
    ),
    'inclusion at an earlier size',
  );
});
