import t from 'tap';
import { utf8 } from '../../../audit/encoding.js';
import {
  generateKey,
  type LogClient,
  MemoryTree,
  monitorLog,
  parseSignerKey,
  signCheckpoint,
} from '../../../audit/index.js';

const origin = 'klarsyn.example/log';
const key = generateKey(origin);
const signer = parseSignerKey(key.signerKey);

/** An honest log in memory whose stored entries can be tampered with after signing. */
class FakeLog implements LogClient {
  entriesServed: Uint8Array[] = [];
  signed: Uint8Array[] = [];
  size = 0;

  append(n: number) {
    for (let i = 0; i < n; i++) {
      const e = utf8(`event ${this.signed.length}`);
      this.signed.push(e);
      this.entriesServed.push(e);
    }
    this.size = this.signed.length;
  }
  private tree() {
    return MemoryTree.fromEntries(this.signed);
  }
  async checkpoint() {
    return signCheckpoint({ origin, size: this.size, root: this.tree().root(this.size) }, signer);
  }
  async entries(start: number, end: number) {
    return this.entriesServed.slice(start, end);
  }
  async consistencyProof(size1: number, size2: number) {
    return this.tree().consistencyProof(size1, size2);
  }
}

t.test('a first run re-hashes everything; the next run only the new entries', async (t) => {
  const log = new FakeLog();
  log.append(37);
  const first = await monitorLog(log, { verifierKeys: [key.verifierKey], batchSize: 10 });
  t.equal(first.checked, 37);
  t.equal(first.state.size, 37);
  t.same(first.state.verifierKeys, [key.verifierKey]);
  log.append(300);
  const second = await monitorLog(log, { verifierKeys: [key.verifierKey], state: first.state });
  t.equal(second.checked, 300);
  t.equal(second.previousSize, 37);
  const again = await monitorLog(log, { verifierKeys: [key.verifierKey], state: second.state });
  t.equal(again.checked, 0, 'nothing new');
  t.equal(JSON.parse(JSON.stringify(again.state)).size, 337, 'state is plain JSON');
});

t.test('invariant 4: a changed, deleted, reordered or inserted entry is named by its index', async (t) => {
  const cases: [string, (served: Uint8Array[]) => void, number][] = [
    ['change', (s) => (s[123] = utf8('forged')), 123],
    ['delete', (s) => s.splice(200, 1), 200],
    ['reorder', (s) => ([s[150], s[151]] = [s[151] as Uint8Array, s[150] as Uint8Array]), 150],
    ['insert', (s) => s.splice(99, 0, utf8('inserted')), 99],
    ['truncate', (s) => s.splice(250), 250],
  ];
  for (const [what, tamper, index] of cases) {
    const log = new FakeLog();
    log.append(40);
    const earlier = await monitorLog(log, { verifierKeys: [key.verifierKey] });
    log.append(260);
    tamper(log.entriesServed);
    await t.rejects(
      monitorLog(log, { verifierKeys: [key.verifierKey], state: earlier.state, batchSize: 64 }),
      { code: 'entry_mismatch', evidence: { index } },
      what,
    );
  }
});

t.test('tampering before the saved state is found by a full re-check', async (t) => {
  const log = new FakeLog();
  log.append(100);
  const earlier = await monitorLog(log, { verifierKeys: [key.verifierKey] });
  log.append(20);
  log.entriesServed[17] = utf8('rewritten history');
  const quick = await monitorLog(log, { verifierKeys: [key.verifierKey], state: earlier.state });
  t.equal(quick.checked, 20, 'an incremental run only reads new entries');
  await t.rejects(monitorLog(log, { verifierKeys: [key.verifierKey], state: earlier.state, full: true }), {
    code: 'entry_mismatch',
    evidence: { index: 17 },
  });
});

t.test('a rewritten or shrunk log is caught with the two checkpoints as evidence', async (t) => {
  const log = new FakeLog();
  log.append(50);
  const earlier = await monitorLog(log, { verifierKeys: [key.verifierKey] });
  // The operator re-signs a different history of the same origin.
  log.signed[10] = utf8('rewritten');
  log.entriesServed[10] = utf8('rewritten');
  log.append(5);
  await t.rejects(monitorLog(log, { verifierKeys: [key.verifierKey], state: earlier.state }), {
    code: 'inconsistent_checkpoints',
    evidence: { previous: earlier.state.checkpoint },
  });
  log.size = 40;
  await t.rejects(monitorLog(log, { verifierKeys: [key.verifierKey], state: earlier.state }), {
    code: 'rollback',
  });
});

t.test('only the log key is trusted', async (t) => {
  const log = new FakeLog();
  log.append(3);
  await t.rejects(monitorLog(log, { verifierKeys: [generateKey(origin).verifierKey] }), {
    code: 'no_verified_signature',
  });
  await t.rejects(monitorLog(log, { verifierKeys: [key.verifierKey], origin: 'other/log' }), {
    code: 'origin_mismatch',
  });
});
