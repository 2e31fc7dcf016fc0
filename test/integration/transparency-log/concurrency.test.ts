import t from 'tap';
import {
  decodeEvent,
  MemoryTree,
  monitorLog,
  parseSignerKey,
  verifyCheckpoint,
  verifyConsistency,
} from '../../../audit/index.js';
import { AppendQueue } from '../../../audit/store/append-queue.js';
import { Integrator } from '../../../audit/store/integrator.js';
import { logFixture, ORIGIN, storeClient, testEvent } from './support.js';

t.test(
  '16 concurrent appenders and 3 competing integrators give contiguous indices and one tree',
  async (t) => {
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    const f = await logFixture(t, { batchSize: 50, idleMs: 5, onError });
    const signer = parseSignerKey(f.signerKey);
    const integrators = [
      f.integrator,
      new Integrator(f.app, { origin: ORIGIN, signer, batchSize: 73, idleMs: 3, onError }),
      new Integrator(f.app, { origin: ORIGIN, signer, batchSize: 500, idleMs: 7, onError }),
    ];
    for (const i of integrators) i.start();
    const queue = new AppendQueue(f.app, f.log);
    const committed = new Set<number>();
    const appender = async (worker: number) => {
      for (let k = 0; k < 60; k++) {
        const n = worker * 1000 + k;
        if (k % 3 === 0) {
          await queue.append(testEvent(n));
          committed.add(n);
          continue;
        }
        const tx = await f.app.connect();
        try {
          await tx.query('BEGIN');
          await f.log.append(testEvent(n), tx);
          // Every seventh action fails after logging: its event must vanish with it.
          if (k % 7 === 0) {
            await tx.query('ROLLBACK');
          } else {
            await tx.query('COMMIT');
            committed.add(n);
          }
        } finally {
          tx.release();
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, w) => appender(w)));
    await Promise.all(integrators.map((i) => i.stop()));
    await f.integrator.drain();
    t.same(errors, [], 'competing integrators wait for the tree lock instead of failing');

    const entries = await f.reader.entries(0, 10_000);
    t.same(
      entries.map((e) => e.index),
      entries.map((_, i) => i),
      'indices are 0..n-1 without gaps',
    );
    const logged = entries.map((e) => (decodeEvent(e.data).details as { n: number }).n);
    t.equal(new Set(logged).size, logged.length, 'no event twice');
    t.same(new Set(logged), committed, 'exactly the committed events');

    const tree = MemoryTree.fromEntries(entries.map((e) => e.data));
    const latest = verifyCheckpoint((await f.reader.latest())?.note as string, [f.verifierKey]);
    t.same(latest.root, tree.root(), 'the latest checkpoint is the tree of the stored entries');
    const { rows } = await f.app.query<{ size: string; root: Buffer }>(
      'SELECT size, root FROM tlog_checkpoints ORDER BY size',
    );
    t.ok(rows.length > 10, `${rows.length} checkpoints`);
    for (const r of rows) {
      const size = Number(r.size);
      t.same(r.root, Buffer.from(tree.root(size)), `checkpoint ${size} is a prefix of the same tree`);
      if (size > 0 && size < latest.size) {
        const proof = await f.reader.consistencyProof(size, latest.size);
        if (!verifyConsistency(size, latest.size, proof, r.root, latest.root)) t.fail(`consistency ${size}`);
      }
    }
    t.equal(
      (await monitorLog(storeClient(f.reader), { verifierKeys: [f.verifierKey] })).checked,
      entries.length,
    );
  },
);
