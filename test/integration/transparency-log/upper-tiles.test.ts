// Proofs in a log past one full level-1 tile (65,536 entries): the reader keeps full upper tiles in
// memory after the first proof; cold and warm proofs, and inclusion and consistency, must verify.
import t from 'tap';
import { leafHash, verifyConsistency, verifyInclusion } from '../../../audit/index.js';
import { LogReader } from '../../../audit/store/log-reader.js';
import { logFixture } from './support.js';

const SIZE = 70_000;

t.test('invariant 4: proofs from cached upper tiles verify against the signed roots', async (t) => {
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
  const indices = [0, 1, 255, 256, 40_001, 65_535, 65_536, 69_999];
  for (const round of ['cold', 'warm']) {
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
  }
  // A proof for an earlier tree size uses the same cached tiles where they were already full.
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
