// `klarsyn demo` seeds a sample project whose first release (one benign table) went through the
// whole workflow: its hash is in the public register and every step in the log.
import { createHash } from 'node:crypto';
import t from 'tap';
import { seedDemo } from '../../../control-plane/src/cli/demo-seed.js';
import { buildTestApp } from '../../support/app.js';
import { logEvents } from './support.js';

t.setTimeout(600_000);

t.test('the demo project has a released benign table with its hash in the register', async (t) => {
  const { app, pool, store } = await buildTestApp(t, { 'workspaces.reconcileIntervalSeconds': 3600 });
  await seedDemo(pool, { app, store });
  const [entry] = (await app.inject('/api/v1/register/projects')).json();
  t.equal(entry.releases.length, 1);
  const [file] = entry.releases[0].files;
  t.equal(file.name, 'patients_by_region_sex.csv');
  t.match(file.sha256, /^[0-9a-f]{64}$/);
  const verdicts = (await pool.query('SELECT verdict FROM release_files')).rows.map((r) => r.verdict);
  t.same(verdicts, ['pass'], 'a table the automatic checks pass');
  const stored = await store.get(
    `projects/${entry.id}/releases/${entry.releases[0].id}/released/${file.name}`,
  );
  const hash = createHash('sha256');
  for await (const chunk of stored) hash.update(chunk as Buffer);
  t.equal(hash.digest('hex'), file.sha256, 'the register names the released bytes');
  t.same(
    (await logEvents(pool, 'release.status_changed')).map((e) => e.details.to),
    ['submitted', 'partially_reviewed', 'reviewed', 'approved', 'released'],
  );
  await seedDemo(pool, { app, store });
  t.equal(
    (await app.inject('/api/v1/register/projects')).json()[0].releases.length,
    1,
    'seeding again adds nothing',
  );
});
