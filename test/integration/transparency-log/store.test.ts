import t from 'tap';
import {
  decodeEvent,
  generateKey,
  leafHash,
  MemoryTree,
  monitorLog,
  parseSignerKey,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '../../../audit/index.js';
import { Integrator } from '../../../audit/store/integrator.js';
import { LogReader } from '../../../audit/store/log-reader.js';
import { rebuildTiles } from '../../../audit/store/rebuild-tiles.js';
import { logFixture, ORIGIN, storeClient, testEvent } from './support.js';

t.test('invariant 4: an event commits or rolls back with the action it records', async (t) => {
  const f = await logFixture(t);
  const tx = await f.app.connect();
  await tx.query('BEGIN');
  await f.log.append(testEvent(1), tx);
  await tx.query('ROLLBACK');
  await tx.query('BEGIN');
  const appended = await f.log.append(testEvent(2), tx);
  await tx.query('COMMIT');
  tx.release();
  await f.integrator.ensureCheckpoint();
  await f.integrator.drain();
  const entries = await f.reader.entries(0, 10);
  t.equal(entries.length, 1, 'only the committed event is in the log');
  t.same(decodeEvent(entries[0]?.data as Uint8Array).details, { n: 2 });
  t.same(entries[0]?.data, Buffer.from(appended.data));
});

t.test('integration assigns contiguous indices and signs a checkpoint per batch', async (t) => {
  const f = await logFixture(t, { batchSize: 7 });
  await f.integrator.ensureCheckpoint();
  const empty = verifyCheckpoint((await f.reader.latest())?.note as string, [f.verifierKey], {
    origin: ORIGIN,
  });
  t.equal(empty.size, 0, 'an empty log has a signed checkpoint of size 0');
  for (let i = 0; i < 30; i++) await f.log.append(testEvent(i), f.app);
  const sizes: number[] = [];
  for (let b = await f.integrator.integrateOnce(); b; b = await f.integrator.integrateOnce())
    sizes.push(b.size);
  t.same(sizes, [7, 14, 21, 28, 30]);
  const latest = verifyCheckpoint((await f.reader.latest())?.note as string, [f.verifierKey], {
    origin: ORIGIN,
  });
  const entries = await f.reader.entries(0, 30);
  t.same(
    entries.map((e) => e.index),
    Array.from({ length: 30 }, (_, i) => i),
  );
  const tree = MemoryTree.fromEntries(entries.map((e) => e.data));
  t.same(latest.root, tree.root(), 'the signed root is the root of the stored entries');
  for (const index of [0, 6, 7, 29]) {
    const proof = await f.reader.inclusionProof(index, 30);
    t.ok(
      verifyInclusion(leafHash(entries[index]?.data as Uint8Array), index, 30, proof, latest.root),
      `inclusion ${index}`,
    );
  }
  for (const size of sizes.slice(0, -1)) {
    const old = await f.reader.checkpointAt(size);
    const proof = await f.reader.consistencyProof(size, 30);
    t.ok(
      verifyConsistency(size, 30, proof, old?.root as Uint8Array, latest.root),
      `consistency ${size} to 30`,
    );
  }
  await t.rejects(f.reader.inclusionProof(0, 31), { code: 'invalid_argument' });
  const run = await monitorLog(storeClient(f.reader), { verifierKeys: [f.verifierKey] });
  t.equal(run.checked, 30, 'a monitor re-hashes the stored log');
});

t.test('invariant 4: as the app role, the log tables cannot be rewritten', async (t) => {
  const f = await logFixture(t);
  await f.log.append(testEvent(1), f.app);
  await f.log.append(testEvent(2), f.app);
  await f.integrator.drain();
  await f.log.append(testEvent(3), f.app);
  const refused = [
    "UPDATE tlog_entries SET data = '\\x7b7d' WHERE idx = 0",
    'DELETE FROM tlog_entries WHERE idx = 1',
    'TRUNCATE tlog_entries',
    "INSERT INTO tlog_entries (idx, data) VALUES (2, '\\x7b7d')",
    'UPDATE tlog_checkpoints SET note = note',
    'DELETE FROM tlog_checkpoints',
    'TRUNCATE tlog_checkpoints',
    'UPDATE tlog_tree SET size = 0',
    'DELETE FROM tlog_pending',
    'UPDATE tlog_pending SET data = data',
    'TRUNCATE tlog_pending',
    'SELECT size FROM tlog_tree FOR UPDATE',
    'ALTER TABLE tlog_entries DISABLE TRIGGER ALL',
    'DROP TABLE tlog_entries',
  ];
  for (const sql of refused) await t.rejects(f.app.query(sql), { code: /^(42501|42P01)$/ }, sql);
  // Even the table owner's triggers refuse; only a superuser who disables them can change rows.
  await t.rejects(f.owner.query("UPDATE tlog_entries SET data = '\\x7b7d' WHERE idx = 0"), /append-only/);
  await t.rejects(f.owner.query('TRUNCATE tlog_checkpoints CASCADE'), /append-only/);
  await f.owner.query('SET session_replication_role = replica');
  await t.rejects(f.owner.query('DELETE FROM tlog_entries WHERE idx = 0'), /append-only/, 'ENABLE ALWAYS');
  const { rows } = await f.app.query('SELECT count(*)::int AS n FROM tlog_entries');
  t.equal(rows[0].n, 2, 'nothing changed');
});

t.test('events outside their schema never enter the log', async (t) => {
  const f = await logFixture(t);
  const bad = [
    { ...testEvent(1), type: 'test.unknown' },
    { ...testEvent(1), details: { n: 'one' } },
    { ...testEvent(1), details: { n: 1, extra: true } },
    { ...testEvent(1), actor: '' },
    // Invariant 2: the public log never carries a CPR number, in any field.
    testEvent(1, 'patient 010190-1234'),
    { ...testEvent(1), subject: 'person:0101901234' },
  ];
  for (const e of bad)
    await t.rejects(f.log.append(e, f.app), { code: 'malformed_event' }, JSON.stringify(e));
  const { rows } = await f.app.query('SELECT count(*)::int AS n FROM tlog_pending');
  t.equal(rows[0].n, 0);
});

t.test('an integrator with another origin or key refuses to sign for the stored log', async (t) => {
  const f = await logFixture(t);
  await f.integrator.ensureCheckpoint();
  const otherKey = new Integrator(f.app, {
    origin: ORIGIN,
    signer: parseSignerKey(generateKey(ORIGIN).signerKey),
  });
  await t.rejects(otherKey.ensureCheckpoint(), { code: 'no_verified_signature' });
  const otherOrigin = new Integrator(f.app, {
    origin: 'elsewhere/log',
    signer: parseSignerKey(generateKey('elsewhere/log').signerKey),
  });
  await t.rejects(otherOrigin.ensureCheckpoint(), { code: 'origin_mismatch' });
});

t.test('tiles are a cache: rebuilt from the entries, checked against every signed checkpoint', async (t) => {
  const f = await logFixture(t, { batchSize: 100 });
  await f.integrator.ensureCheckpoint();
  for (let i = 0; i < 700; i++) await f.log.append(testEvent(i), f.app);
  await f.integrator.drain();
  const latest = verifyCheckpoint((await f.reader.latest())?.note as string, [f.verifierKey]);
  // Tiles without stored inner levels (as written before migration 0004) are read whole and hashed.
  await f.app.query('UPDATE tlog_tiles SET inner_hashes = NULL');
  const entries = await f.reader.entries(0, 700);
  for (const index of [3, 300, 699]) {
    const p = await f.reader.inclusionProof(index, 700);
    t.ok(
      verifyInclusion(leafHash(entries[index]?.data as Uint8Array), index, 700, p, latest.root),
      `hashing ${index}`,
    );
  }
  const before = (await f.app.query('SELECT level, idx, hashes FROM tlog_tiles ORDER BY level, idx')).rows;
  await f.app.query('DELETE FROM tlog_tiles');
  const rebuilt = await rebuildTiles(f.app, 256);
  t.same(rebuilt, { size: 700, checkpoints: 7 }, 'all seven checkpoints checked');
  t.same((await f.app.query('SELECT level, idx, hashes FROM tlog_tiles ORDER BY level, idx')).rows, before);
  t.equal(
    (await f.app.query('SELECT count(*)::int AS n FROM tlog_tiles WHERE inner_hashes IS NOT NULL')).rows[0].n,
    2,
  );
  const proof = await new LogReader(f.app).inclusionProof(650, 700);
  t.ok(verifyInclusion(leafHash(entries[650]?.data as Uint8Array), 650, 700, proof, latest.root));

  await f.owner.query(
    "ALTER TABLE tlog_entries DISABLE TRIGGER USER; UPDATE tlog_entries SET data = convert_to('{}', 'UTF8') WHERE idx = 250",
  );
  await t.rejects(rebuildTiles(f.app, 256), { code: 'entry_mismatch', evidence: { checkpointSize: 300 } });
  t.equal(
    (await f.app.query('SELECT count(*)::int AS n FROM tlog_tiles')).rows[0].n,
    before.length,
    'nothing written',
  );
  await f.owner.query('DELETE FROM tlog_entries WHERE idx = 420');
  await t.rejects(rebuildTiles(f.app, 1000), { code: 'entry_mismatch', evidence: { index: 420 } });
});
