// The upgrade path (infra/deploy/README.md, "Upgrades"): the migration Job of a new release runs
// while replicas of the old release keep serving; a new replica that starts before the Job waits
// for its schema; migrations are additive, which a test here enforces for every migration after
// the first release.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import t from 'tap';
import { migrate, migrationsDir, readMigrations } from '../../../control-plane/src/db/migrate.js';
import { pendingMigrations, waitForSchema } from '../../../control-plane/src/db/schema-version.js';
import { createLogger } from '../../../control-plane/src/logger.js';
import { buildTestApp } from '../../support/app.js';

/** A migration of the next release: additive only (a new nullable column and a new table). */
const NEXT_SQL = `ALTER TABLE workspaces ADD COLUMN upgrade_test_note text;
CREATE TABLE upgrade_test_things (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);`;
const next = {
  version: '9001',
  name: 'upgrade_test',
  sql: NEXT_SQL,
  checksum: createHash('sha256').update(NEXT_SQL).digest('hex'),
};

t.test('an old replica keeps serving while the new release migrates; a new one waits for it', async (t) => {
  // The old release, running (its own migrations applied at start, as in the embedded default).
  const old = await buildTestApp(t);
  const served = async () => (await old.app.inject({ url: '/readyz' })).statusCode;
  t.equal(await served(), 200);
  const before = await old.app.inject({ url: '/api/v1/log/checkpoint' });
  t.equal(before.statusCode, 200, 'the old replica serves the log');

  // A new replica (code with migration 9001) started before the Job: it waits, it does not serve.
  const current = readMigrations();
  const newRelease = [...current, next];
  t.same(await pendingMigrations(old.pool, newRelease), ['9001_upgrade_test']);
  let ready = false;
  const waiting = waitForSchema(old.pool, createLogger('silent'), {
    migrations: newRelease,
    intervalMs: 50,
    timeoutMs: 30_000,
  }).then(() => {
    ready = true;
  });
  await new Promise((r) => setTimeout(r, 300));
  t.notOk(ready, 'the new replica waits for the migration Job');

  // The Job: the new release's migrations, as the schema owner, while the old replica serves.
  const owner = new pg.Client({ connectionString: old.database.ownerUrl });
  await owner.connect();
  t.teardown(() => owner.end());
  const job = await migrate(owner, newRelease);
  t.same(job.applied, ['9001_upgrade_test'], 'the Job applies only the new migration');
  await waiting;
  t.ok(ready, 'the new replica goes on once the Job is done');

  // The old replica never noticed: it serves, writes and reads as before, and an old replica that
  // restarts now finds nothing pending (a newer version in the table is not its business).
  t.equal(await served(), 200);
  const after = await old.app.inject({ url: '/api/v1/log/checkpoint' });
  t.equal(after.statusCode, 200, 'and the log');
  t.same(await pendingMigrations(old.pool, current), [], 'the old code starts on the newer schema');
  t.same((await migrate(owner, current)).applied, [], 'and its own migrate is a no-op');
});

/**
 * Migrations shipped after the first release (0.1.0, whose last migration is FIRST_RELEASE_LAST)
 * may only add: no DROP, RENAME, type change or new NOT NULL on an existing column, so the previous
 * release keeps working on the new schema during a rolling upgrade. Removing something is the
 * contract step of expand/contract: a later release, once no running version uses it, marked with
 * a `-- contract:` comment naming the release that stopped using it.
 */
const FIRST_RELEASE_LAST = '0030';
const DESTRUCTIVE = [
  /\bDROP\s+(TABLE|COLUMN|VIEW|FUNCTION|TYPE|INDEX)\b/i,
  /\bRENAME\b/i,
  /\bALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b/i,
  /\bALTER\s+COLUMN\s+\S+\s+SET\s+NOT\s+NULL\b/i,
  /\bTRUNCATE\b/i,
];

t.test('migrations after the first release are additive', async (t) => {
  const later = readMigrations().filter((m) => m.version > FIRST_RELEASE_LAST);
  for (const m of later) {
    const sql = readFileSync(`${migrationsDir()}/${m.version}_${m.name}.sql`, 'utf8');
    const code = sql.replace(/--.*$/gm, '');
    const contract = /^--\s*contract:/m.test(sql);
    const hits = DESTRUCTIVE.filter((re) => re.test(code)).map((re) => re.source);
    t.ok(
      contract || hits.length === 0,
      `${m.version}_${m.name} is additive${hits.length ? ` (found ${hits})` : ''}`,
    );
  }
  t.ok(
    DESTRUCTIVE.some((re) => re.test('ALTER TABLE x DROP COLUMN y')) &&
      !DESTRUCTIVE.some((re) => re.test(NEXT_SQL)),
    'the check tells a drop from an addition',
  );
});
