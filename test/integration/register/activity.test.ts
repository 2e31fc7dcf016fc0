import { randomUUID } from 'node:crypto';
import t from 'tap';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { seedDemo } from '../../../control-plane/src/cli/demo-seed.js';
import { buildTestApp } from '../../support/app.js';

// The register's activity of a project comes from the transparency log: every item names its entry,
// only the project's own entries appear, drafts stay out of the register.

const HASH = 'a'.repeat(64);

/** The log event of a published extract of `project`, as the extract engine appends it. */
function extractPublished(project: string, subject: string) {
  return {
    type: 'extract.published',
    actor: 'system',
    project,
    subject,
    details: {
      version: 1,
      sources: ['bef'],
      variables: ['bef.koen'],
      rows: 10,
      cohort_size: 10,
      manifest_sha256: HASH,
      key_version: 1,
    },
  };
}

/** Waits until the integrator has given every appended event an index. */
async function integrated(pool: import('pg').Pool): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM tlog_pending');
    if (rows[0]?.n === '0') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the log did not integrate its pending events');
}

t.test('a project activity lists its own log entries with their indices', async (t) => {
  const { app, pool } = await buildTestApp(t);
  await seedDemo(pool);
  const [project] = (await app.inject('/api/v1/register/projects')).json() as { id: string }[];
  const id = project?.id as string;
  const log = new TransparencyLog();
  await log.appendMany(
    [
      extractPublished(id, 'extract:1'),
      {
        type: 'release.released',
        actor: 'system',
        project: id,
        subject: 'release:1',
        details: { request: 'r1', files: [{ name: 'table.csv', revision: 1, size: 12, sha256: HASH }] },
      },
      {
        type: 'workspace.status_changed',
        actor: 'system',
        project: id,
        subject: 'workspace:1',
        details: { from: 'provisioning', to: 'running' },
      },
      extractPublished(randomUUID(), 'extract:2'),
    ],
    pool,
  );
  await integrated(pool);

  const res = await app.inject(`/api/v1/register/projects/${id}/activity`);
  t.equal(res.statusCode, 200);
  const items = res.json() as { index: number; type: string; kind: string; files: unknown[] }[];
  t.same(
    items.slice(0, 2).map((i) => [i.type, i.kind]),
    [
      ['release.released', 'output'],
      ['extract.published', 'extract'],
    ],
    "newest first, the project's own entries only, state changes of workspaces left out",
  );
  const application = items.slice(2);
  t.ok(
    application.length >= 4 &&
      application.every((i) => i.kind === 'application' && /^project\./.test(i.type)),
    'then the application: submission, decisions, changes of status',
  );
  t.ok(
    items.every((item, i) => i === 0 || (items[i - 1] as { index: number }).index > item.index),
    'ordered by index, newest first',
  );
  t.same(items[0]?.files, [{ name: 'table.csv', size: 12, sha256: HASH }], 'files with their hashes');
  t.notOk(JSON.stringify(items).includes('"actor"'), 'the actor is not repeated in the register');

  // Every index is the entry itself: the log serves the same event at that index.
  for (const item of items) {
    const entry = (await app.inject(`/api/v1/log/entries/${item.index}`)).json();
    t.equal(entry.event.type, item.type, `entry ${item.index} is the ${item.type} event`);
    t.equal(entry.event.project, id);
  }

  t.equal((await app.inject(`/api/v1/register/projects/${randomUUID()}/activity`)).statusCode, 404);
  t.equal((await app.inject('/api/v1/register/projects/not-a-uuid/activity')).statusCode, 400);
});
