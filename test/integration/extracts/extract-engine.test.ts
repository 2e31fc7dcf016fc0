import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import t from 'tap';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { parseCatalogFile } from '../../../control-plane/src/catalog/catalog-file.js';
import { publishCatalog } from '../../../control-plane/src/catalog/publish.js';
import { inTransaction } from '../../../control-plane/src/db/transaction.js';
import { addAccount, bearer, buildTestApp, login } from '../../support/app.js';
import { extractApplication } from '../../support/fixtures.js';
import { PERSONS, writeRegisterFixtures } from '../../support/register-fixtures.js';

const catalogYaml = readFileSync('policies/catalog/synthetic-registers.yaml', 'utf8');

const application = extractApplication([
  { source: 'lmdb', variable: 'pnr', justification: 'link' },
  { source: 'lmdb', variable: 'eksd', justification: 'timing' },
  { source: 'lmdb', variable: 'atc', justification: 'drug' },
  { source: 'bef', variable: 'pnr', justification: 'link' },
  { source: 'bef', variable: 'mor_id', justification: 'family' },
  { source: 'bef', variable: 'foed_dag', justification: 'age' },
  { source: 'bef', variable: 'kom', justification: 'region' },
  { source: 'bef', variable: 'year', justification: 'year' },
]);

async function approvedProject(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t);
  await writeRegisterFixtures(ctx.store);
  await inTransaction(ctx.pool, (tx) =>
    publishCatalog(tx, new TransparencyLog(), parseCatalogFile(catalogYaml), 'test'),
  );
  await addAccount(ctx.pool, 'anna', [{ role: 'researcher' }]);
  await addAccount(ctx.pool, 'bo', [{ role: 'researcher' }]);
  await addAccount(ctx.pool, 'sds', [{ role: 'steward', authority: 'SDS' }]);
  await addAccount(ctx.pool, 'dst', [{ role: 'steward', authority: 'DST' }]);
  const anna = bearer(await login(ctx.app, 'anna'));
  const id = (
    await ctx.app.inject({ method: 'POST', url: '/api/v1/projects/', headers: anna, payload: application })
  ).json().id;
  await ctx.app.inject({ method: 'POST', url: `/api/v1/projects/${id}/submit`, headers: anna });
  for (const s of ['sds', 'dst']) {
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${id}/decisions`,
      headers: bearer(await login(ctx.app, s)),
      payload: { decision: 'approved', reason: 'approved as proposed' },
    });
  }
  return { ...ctx, id, anna, bo: bearer(await login(ctx.app, 'bo')) };
}

async function waitForExtract(
  app: import('fastify').FastifyInstance,
  headers: Record<string, string>,
  id: string,
  version: number,
) {
  for (let i = 0; i < 300; i++) {
    const res = (await app.inject({ url: `/api/v1/projects/${id}/extracts/${version}`, headers })).json();
    if (res.status !== 'running') return res;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('extract did not finish');
}

async function readParquet(bytes: Buffer) {
  const file = join(mkdtempSync(join(tmpdir(), 'klarsyn-read-')), 'f.parquet');
  writeFileSync(file, bytes);
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const rows = (await db.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson();
  db.closeSync();
  return rows;
}

const streamBytes = async (s: NodeJS.ReadableStream) => {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

t.test(
  'invariants 2 and 3: an approved project gets a minimal, pseudonymised extract, logged with its manifest hash',
  async (t) => {
    const { app, pool, store, id, anna, bo } = await approvedProject(t);
    const started = await app.inject({
      method: 'POST',
      url: `/api/v1/projects/${id}/extracts`,
      headers: anna,
    });
    t.equal(started.statusCode, 202, started.body);
    t.equal(
      (await app.inject({ method: 'POST', url: `/api/v1/projects/${id}/extracts`, headers: bo })).statusCode,
      404,
      'non-members cannot',
    );
    const done = await waitForExtract(app, anna, id, 1);
    t.equal(done.status, 'published', done.error ?? '');
    t.equal(done.manifest.cohortSize, PERSONS.filter((p) => p.diabetic).length, 'only cohort members');

    const files = Object.fromEntries(
      await Promise.all(
        ['bef', 'lmdb'].map(async (s) => [
          s,
          await streamBytes(await store.get(`projects/${id}/extracts/v1/${s}.parquet`)),
        ]),
      ),
    );
    const bef = await readParquet(files.bef);
    const lmdb = await readParquet(files.lmdb);
    t.same(
      Object.keys(bef[0] ?? {}).sort(),
      ['foed_dag', 'kom', 'mor_id', 'pnr', 'year'],
      'exactly the approved bef columns',
    );
    t.same(Object.keys(lmdb[0] ?? {}).sort(), ['atc', 'eksd', 'pnr'], 'exactly the approved lmdb columns');
    t.ok(
      bef.every((r) => Number(r.year) >= 2019 && Number(r.year) <= 2022),
      'only the approved period',
    );
    t.ok(
      bef.every((r) => typeof r.foed_dag === 'number' || /^\d{4}$/.test(String(r.foed_dag))),
      'birth dates generalised to years',
    );
    t.ok(
      bef.every((r) => Number(r.kom) >= 81 && Number(r.kom) <= 85),
      'municipality generalised to region',
    );
    t.ok(
      lmdb.every((r) => /^\d{4}-\d{2}$/.test(String(r.eksd))),
      'dates generalised to year-month',
    );
    t.ok(
      [...bef, ...lmdb].every((r) => /^[0-9a-f]{32}$/.test(String(r.pnr))),
      'persons are 128-bit hex pseudonyms',
    );
    t.equal(new Set(bef.map((r) => r.pnr)).size, 6);
    const mothers = new Set(bef.map((r) => r.mor_id));
    t.ok(
      [...mothers].some((m) => bef.some((r) => r.pnr === m)),
      'the same person key links mor_id to pnr inside the project',
    );
    t.same(
      new Set(lmdb.map((r) => r.pnr)),
      new Set(bef.map((r) => r.pnr)),
      'the same person gets the same pseudonym across sources',
    );

    for (const [name, bytes] of Object.entries(files) as [string, Buffer][]) {
      const text = bytes.toString('latin1');
      for (const p of PERSONS) {
        t.notOk(
          text.includes(p.cpr) || text.includes(p.cpr.replace('-', '')),
          `no CPR in any byte of ${name}`,
        );
      }
    }
    const manifest = JSON.parse(
      (await streamBytes(await store.get(`projects/${id}/extracts/v1/manifest.json`))).toString(),
    );
    t.same(manifest.files.map((f: { name: string }) => f.name).sort(), ['bef.parquet', 'lmdb.parquet']);
    const entries =
      "SELECT convert_from(data, 'UTF8')::jsonb AS e FROM tlog_pending UNION ALL SELECT convert_from(data, 'UTF8')::jsonb FROM tlog_entries";
    const logged = (await pool.query(entries)).rows
      .map((r) => r.e)
      .filter((e) => e.type === 'extract.published');
    t.equal(logged.length, 1, 'invariant 4: the extract is in the log');
    t.equal(logged[0].details.manifest_sha256, done.manifestSha256);
    t.notOk(
      JSON.stringify(logged).match(/[0-9a-f]{32}"/) && JSON.stringify(logged).includes(String(bef[0]?.pnr)),
      'no pseudonym in the log',
    );

    const wrapped = (await pool.query('SELECT wrapped FROM project_keys WHERE project_id = $1', [id])).rows[0]
      .wrapped;
    t.match(wrapped, /^kw1\./, 'invariant 2: the project key is stored only wrapped');
  },
);

t.test(
  'invariant 2: two projects give the same persons different pseudonyms; unapproved projects get none',
  async (t) => {
    const { app, store, id, anna } = await approvedProject(t);
    const second = (
      await app.inject({ method: 'POST', url: '/api/v1/projects/', headers: anna, payload: application })
    ).json().id;
    const refused = await app.inject({
      method: 'POST',
      url: `/api/v1/projects/${second}/extracts`,
      headers: anna,
    });
    t.equal(refused.statusCode, 409, 'a draft project gets no extract');
    await app.inject({ method: 'POST', url: `/api/v1/projects/${second}/submit`, headers: anna });
    for (const s of ['sds', 'dst']) {
      await app.inject({
        method: 'POST',
        url: `/api/v1/projects/${second}/decisions`,
        headers: bearer(await login(app, s)),
        payload: { decision: 'approved', reason: 'approved as proposed' },
      });
    }
    const pseudonyms = async (project: string) => {
      await app.inject({ method: 'POST', url: `/api/v1/projects/${project}/extracts`, headers: anna });
      t.equal((await waitForExtract(app, anna, project, 1)).status, 'published');
      const rows = await readParquet(
        await streamBytes(await store.get(`projects/${project}/extracts/v1/bef.parquet`)),
      );
      return new Set(rows.map((r) => String(r.pnr)));
    };
    const first = await pseudonyms(id);
    const other = await pseudonyms(second);
    t.equal(first.size, other.size, 'the same persons');
    t.same(
      [...first].filter((p) => other.has(p)),
      [],
      'no pseudonym is shared between projects',
    );
  },
);

t.test(
  'invariant 7: corrupt files or a missing CPR column fail the job clearly and leave nothing visible',
  async (t) => {
    const { app, store, id, anna } = await approvedProject(t);
    await store.put('registers/lmdb/part-0.parquet', Buffer.from('PAR1 this is not parquet'));
    await app.inject({ method: 'POST', url: `/api/v1/projects/${id}/extracts`, headers: anna });
    const corrupt = await waitForExtract(app, anna, id, 1);
    t.equal(corrupt.status, 'failed');
    t.match(corrupt.error, /source lmdb: its files under registers\/lmdb\/ cannot be read/);
    const visible = [];
    for await (const o of store.list(`projects/${id}/extracts/`)) visible.push(o.key);
    t.same(visible, [], 'no partial extract is left');

    await writeRegisterFixtures(store);
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const file = join(mkdtempSync(join(tmpdir(), 'klarsyn-nocpr-')), 'bef.parquet');
    await db.run(`COPY (SELECT 'K' AS koen, 2020 AS year) TO '${file}' (FORMAT parquet)`);
    db.closeSync();
    await store.put('registers/bef/part-0.parquet', readFileSync(file));
    await app.inject({ method: 'POST', url: `/api/v1/projects/${id}/extracts`, headers: anna });
    const missing = await waitForExtract(app, anna, id, 2);
    t.equal(missing.status, 'failed');
    t.match(missing.error, /source bef lacks the catalog columns pnr, foed_dag/);
  },
);
