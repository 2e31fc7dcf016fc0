import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { migrate, readMigrations } from '../../../control-plane/src/db/migrate.js';
import { createTestDatabase } from '../../support/postgres.js';

async function connect(t: { teardown(fn: () => unknown): void }, url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  t.teardown(() => client.end());
  return client;
}

t.test('migrations apply from empty, are recorded, and are not applied twice', async (t) => {
  const db = await createTestDatabase();
  const owner = await connect(t, db.ownerUrl);
  const shipped = readMigrations();
  const first = await migrate(owner, shipped);
  t.same(
    first.applied,
    shipped.map((m) => `${m.version}_${m.name}`),
    'every shipped migration, in order',
  );
  const recorded = await owner.query('SELECT version FROM schema_migrations ORDER BY version');
  t.same(
    recorded.rows.map((r) => r.version),
    shipped.map((m) => m.version),
  );
  const second = await migrate(owner, shipped);
  t.same(second.applied, [], 'a second run applies nothing');

  const app = await connect(t, db.appUrl);
  await t.resolves(app.query('SELECT count(*) FROM accounts'), 'the runtime role can use the tables');
  await t.rejects(app.query('DROP TABLE accounts'), /must be owner/, 'but not drop them');
});

t.test('a failed migration leaves the database as it was; an edited one is refused', async (t) => {
  const db = await createTestDatabase();
  const owner = await connect(t, db.ownerUrl);
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-migrations-'));
  writeFileSync(join(dir, '0001_good.sql'), 'CREATE TABLE good (id int);');
  await migrate(owner, readMigrations(dir));
  writeFileSync(
    join(dir, '0002_bad.sql'),
    'CREATE TABLE half (id int); INSERT INTO good VALUES (1); SELECT 1/0;',
  );
  await t.rejects(migrate(owner, readMigrations(dir)), /0002_bad failed/);
  const half = await owner.query("SELECT to_regclass('half') AS t");
  t.equal(half.rows[0].t, null, 'the table created before the error is gone');
  t.equal((await owner.query('SELECT count(*)::int AS n FROM good')).rows[0].n, 0, 'no row was left behind');
  t.same(
    (await owner.query('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    ['0001'],
  );

  writeFileSync(join(dir, '0002_bad.sql'), 'CREATE TABLE fixed (id int);');
  await migrate(owner, readMigrations(dir));
  writeFileSync(join(dir, '0001_good.sql'), 'CREATE TABLE good (id int, sneaky text);');
  await t.rejects(migrate(owner, readMigrations(dir)), /edited after it was applied/);
});
