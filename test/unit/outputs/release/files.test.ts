import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  assertFileName,
  outboxMetadata,
  readSnapshot,
  snapshotKey,
  takeFromOutbox,
} from '../../../../control-plane/src/outputs/release/files.js';
import { DirectoryStore } from '../../../../control-plane/src/storage/directory-store.js';
import { outboxPrefix } from '../../../../control-plane/src/storage/layout.js';

const P = '11111111-1111-4111-8111-111111111111';
const W = '22222222-2222-4222-8222-222222222222';
const R = '33333333-3333-4333-8333-333333333333';

async function store(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-release-files-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return DirectoryStore.open(dir);
}

t.test(
  'a file is copied out of the outbox by hash: later changes in the outbox do not reach it',
  async (t) => {
    const s = await store(t);
    await s.put(`${outboxPrefix(P, W)}t.csv`, Buffer.from('n\n40\n'));
    const taken = await takeFromOutbox(s, { projectId: P, workspaceId: W, requestId: R }, 't.csv');
    t.match(taken, { name: 't.csv', size: 5, sha256: /^[0-9a-f]{64}$/ });
    await s.put(`${outboxPrefix(P, W)}t.csv`, Buffer.from('n\n1\n'));
    const kept = await readSnapshot(s, snapshotKey(P, R, taken.sha256), taken);
    t.equal(kept.toString(), 'n\n40\n');
    await t.rejects(
      takeFromOutbox(s, { projectId: P, workspaceId: W, requestId: R }, 't.csv', 3),
      { code: 'payload_too_large' },
      'larger than allowed',
    );
    await t.rejects(takeFromOutbox(s, { projectId: P, workspaceId: W, requestId: R }, 'none.csv'), {
      code: 'validation_failed',
      message: /none\.csv is not in the outbox/,
    });
  },
);

t.test('names: keys under the outbox only, never outputs.yaml, never a CPR-shaped number', async (t) => {
  for (const ok of ['t.csv', 'tables/by region.csv', 'model_2023-01.csv', 'x1234567890y.csv']) {
    t.doesNotThrow(() => assertFileName(ok), ok);
  }
  for (const bad of [
    '../t.csv',
    '/etc/passwd',
    '.hidden',
    'a//b.csv',
    'outputs.yaml',
    'sub/outputs.yaml',
    '010190-1234.csv',
    'p_0101901234.csv',
  ]) {
    t.throws(() => assertFileName(bad), { code: 'validation_failed' }, bad);
  }
});

t.test("each directory's outputs.yaml describes the files beside it, paths as in the outbox", async (t) => {
  const s = await store(t);
  await s.put(
    `${outboxPrefix(P, W)}outputs.yaml`,
    Buffer.from('files:\n  - {path: ./a.csv, kind: frequency, counts: [n]}\n'),
  );
  await s.put(
    `${outboxPrefix(P, W)}sub/outputs.yaml`,
    Buffer.from('files:\n  - {path: b.csv, kind: regression, residual_df: 40}\n'),
  );
  const metadata = await outboxMetadata(s, { projectId: P, workspaceId: W }, [
    'a.csv',
    'sub/b.csv',
    'other/c.csv',
  ]);
  t.same(
    metadata.files.map((e) => [e.path, e.kind]),
    [
      ['a.csv', 'frequency'],
      ['sub/b.csv', 'regression'],
    ],
  );
  await s.put(`${outboxPrefix(P, W)}outputs.yaml`, Buffer.from('files:\n  - {path: a.csv, kind: table}\n'));
  await t.rejects(outboxMetadata(s, { projectId: P, workspaceId: W }, ['a.csv']), {
    code: 'validation_failed',
    message: /outputs\.yaml/,
  });
});
