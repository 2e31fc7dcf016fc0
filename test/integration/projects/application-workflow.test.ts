import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { addAccount, bearer, buildTestApp, login } from '../../support/app.js';
import { sampleApplication } from '../../support/fixtures.js';

const catalogYaml = readFileSync('policies/catalog/synthetic-registers.yaml', 'utf8');

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t);
  const { app, pool } = ctx;
  await addAccount(pool, 'admin', [{ role: 'admin' }]);
  await addAccount(pool, 'anna', [{ role: 'researcher' }]);
  await addAccount(pool, 'bo', [{ role: 'researcher' }]);
  await addAccount(pool, 'sds', [{ role: 'steward', authority: 'SDS' }]);
  await addAccount(pool, 'dst', [{ role: 'steward', authority: 'DST' }]);
  // A researcher who is also an SDS steward: may apply, must never approve their own application.
  await addAccount(pool, 'dual', [{ role: 'researcher' }, { role: 'steward', authority: 'SDS' }]);
  const { parseCatalogFile } = await import('../../../control-plane/src/catalog/catalog-file.js');
  const { publishCatalog } = await import('../../../control-plane/src/catalog/publish.js');
  const { TransparencyLog } = await import('../../../audit/store/transparency-log.js');
  const { inTransaction } = await import('../../../control-plane/src/db/transaction.js');
  await inTransaction(pool, (tx) =>
    publishCatalog(tx, new TransparencyLog(), parseCatalogFile(catalogYaml), 'test'),
  );
  const tokens: Record<string, Record<string, string>> = {};
  for (const u of ['admin', 'anna', 'bo', 'sds', 'dst', 'dual']) tokens[u] = bearer(await login(app, u));
  return { ...ctx, tokens };
}

const call = (
  app: FastifyInstance,
  headers: Record<string, string>,
  method: string,
  url: string,
  payload?: object,
) => app.inject({ method: method as 'POST', url, headers, ...(payload ? { payload } : {}) });

/** Every log event so far, integrated entries first (by index), then those still pending. */
const events = async (pool: import('pg').Pool, project: string) =>
  (
    await pool.query(`SELECT convert_from(data, 'UTF8')::jsonb AS e FROM (
       SELECT 0 AS part, idx AS n, data FROM tlog_entries UNION ALL SELECT 1, id, data FROM tlog_pending) l
       ORDER BY part, n`)
  ).rows
    .map((r) => r.e)
    .filter((e) => e.project === project)
    .map((e) => (e.type === 'project.status_changed' ? `${e.details.from}→${e.details.to}` : e.type));

t.test(
  'apply → two authorities approve → approved; each step logged; amendment needs new approval',
  async (t) => {
    const { app, pool, tokens } = await setup(t);
    const created = await call(app, tokens.anna!, 'POST', '/api/v1/projects/', sampleApplication);
    t.equal(created.statusCode, 201, created.body);
    const id = created.json().id;
    t.equal(created.json().status, 'draft');
    t.same(created.json().authorities, ['DST', 'SDS']);

    t.equal(
      (await call(app, tokens.sds!, 'GET', `/api/v1/projects/${id}`)).statusCode,
      404,
      'stewards do not see drafts',
    );
    t.equal(
      (await call(app, tokens.anna!, 'POST', `/api/v1/projects/${id}/submit`)).json().status,
      'submitted',
    );
    t.equal(
      (await call(app, tokens.bo!, 'POST', `/api/v1/projects/${id}/withdraw`)).statusCode,
      404,
      'another researcher sees nothing',
    );

    const sds = await call(app, tokens.sds!, 'POST', `/api/v1/projects/${id}/decisions`, {
      decision: 'approved',
      reason: 'proportionate',
    });
    t.equal(sds.json().status, 'partially_approved');
    const again = await call(app, tokens.sds!, 'POST', `/api/v1/projects/${id}/decisions`, {
      decision: 'approved',
      reason: 'twice',
    });
    t.equal(again.statusCode, 409, 'an authority decides once per revision');
    const dst = await call(app, tokens.dst!, 'POST', `/api/v1/projects/${id}/decisions`, {
      decision: 'approved',
      reason: 'fine',
    });
    t.equal(dst.json().status, 'approved');

    const amended = await call(app, tokens.anna!, 'PUT', `/api/v1/projects/${id}`, {
      ...sampleApplication,
      variables: [...sampleApplication.variables, { source: 'bef', variable: 'koen', justification: 'sex' }],
    });
    t.equal(amended.json().status, 'submitted', 'a change after approval needs a new approval');
    t.equal(amended.json().revision, 2);
    t.same(amended.json().decisions, [], 'earlier decisions do not carry over');

    t.same(
      await events(pool, id),
      [
        'draft→submitted',
        'project.submitted',
        'project.decision',
        'submitted→partially_approved',
        'project.decision',
        'partially_approved→approved',
        'approved→submitted',
        'project.submitted',
      ],
      'invariant 4: every transition is in the log, in order',
    );
  },
);

t.test(
  'invariant 5: an applicant never approves their own application; stewards decide only for their authority',
  async (t) => {
    const { app, tokens } = await setup(t);
    const id = (await call(app, tokens.dual!, 'POST', '/api/v1/projects/', sampleApplication)).json().id;
    await call(app, tokens.dual!, 'POST', `/api/v1/projects/${id}/submit`);
    const own = await call(app, tokens.dual!, 'POST', `/api/v1/projects/${id}/decisions`, {
      decision: 'approved',
      reason: 'mine',
    });
    t.equal(own.statusCode, 403);
    const wrongAuthority = await call(app, tokens.dst!, 'POST', `/api/v1/projects/${id}/decisions`, {
      authority: 'SDS',
      decision: 'approved',
      reason: 'not mine',
    });
    t.equal(wrongAuthority.statusCode, 403);
    const researcher = await call(app, tokens.bo!, 'POST', `/api/v1/projects/${id}/decisions`, {
      decision: 'approved',
      reason: 'x',
    });
    t.equal(researcher.statusCode, 403);
    const reject = await call(app, tokens.sds!, 'POST', `/api/v1/projects/${id}/decisions`, {
      decision: 'rejected',
      reason: 'too broad',
    });
    t.equal(reject.json().status, 'rejected');
    const late = await call(app, tokens.dst!, 'POST', `/api/v1/projects/${id}/decisions`, {
      decision: 'approved',
      reason: 'late',
    });
    t.equal(late.statusCode, 409, 'a rejected application takes no more decisions');
  },
);

t.test('invariant 7: bad applications are refused with a reason and nothing is stored', async (t) => {
  const { app, pool, tokens } = await setup(t);
  const count = async () => Number((await pool.query('SELECT count(*) FROM projects')).rows[0].count);
  const before = await count();
  const cases = [
    { ...sampleApplication, variables: [{ source: 'lmdb', variable: 'hemmelig', justification: 'x y z' }] },
    { ...sampleApplication, cohort: { match: 'some', criteria: [] } },
    {
      ...sampleApplication,
      cohort: {
        match: 'any',
        criteria: [{ source: 'diagnoser', variable: 'diagnosekode', prefixes: ["DE11' OR 1=1"] }],
      },
    },
    { ...sampleApplication, deletionDate: '2001-01-01' },
    { ...sampleApplication, extra: true },
  ];
  for (const body of cases) {
    const res = await call(app, tokens.anna!, 'POST', '/api/v1/projects/', body);
    t.equal(res.statusCode, 400, res.json().message);
  }
  t.equal(await count(), before);
});

t.test('approved projects expire at their deletion date; expired ones cannot change', async (t) => {
  const { app, pool, tokens } = await setup(t);
  const id = (await call(app, tokens.anna!, 'POST', '/api/v1/projects/', sampleApplication)).json().id;
  await call(app, tokens.anna!, 'POST', `/api/v1/projects/${id}/submit`);
  await call(app, tokens.sds!, 'POST', `/api/v1/projects/${id}/decisions`, {
    decision: 'approved',
    reason: 'approved as proposed',
  });
  const last = await call(app, tokens.dst!, 'POST', `/api/v1/projects/${id}/decisions`, {
    decision: 'approved',
    reason: 'approved as proposed',
  });
  t.equal(last.json().status, 'approved', last.body);
  const { ProjectWorkflow } = await import('../../../control-plane/src/projects/workflow.js');
  const { TransparencyLog } = await import('../../../audit/store/transparency-log.js');
  const workflow = new ProjectWorkflow(pool, new TransparencyLog());
  t.same(await workflow.expireDue('2030-12-30'), [], 'not before the deletion date');
  t.same(await workflow.expireDue('2030-12-31'), [id]);
  t.equal((await call(app, tokens.anna!, 'GET', `/api/v1/projects/${id}`)).json().status, 'expired');
  t.equal(
    (await call(app, tokens.anna!, 'PUT', `/api/v1/projects/${id}`, sampleApplication)).statusCode,
    409,
  );
});

t.test(
  'the public register shows submitted projects without login, never drafts or steward identities',
  async (t) => {
    const { app, tokens } = await setup(t);
    const draft = (
      await call(app, tokens.bo!, 'POST', '/api/v1/projects/', {
        ...sampleApplication,
        title: 'A private draft',
      })
    ).json();
    const id = (await call(app, tokens.anna!, 'POST', '/api/v1/projects/', sampleApplication)).json().id;
    await call(app, tokens.anna!, 'POST', `/api/v1/projects/${id}/submit`);
    await call(app, tokens.sds!, 'POST', `/api/v1/projects/${id}/decisions`, {
      decision: 'approved',
      reason: 'approved as proposed',
    });
    const list = await app.inject('/api/v1/register/projects');
    t.equal(list.statusCode, 200);
    t.same(
      list.json().map((p: { id: string }) => p.id),
      [id],
      'drafts are not in the register',
    );
    const entry = list.json()[0];
    t.same(entry.sources, ['bef', 'diagnoser', 'lmdb']);
    t.same(
      entry.decisions.map((d: { authority: string }) => d.authority),
      ['SDS'],
    );
    t.notOk(JSON.stringify(entry).includes('decidedBy'), 'steward identities are not published');
    t.equal((await app.inject(`/api/v1/register/projects/${draft.id}`)).statusCode, 404);
    t.same((await app.inject('/api/v1/register/projects?source=bef')).json().length, 1);
    t.same((await app.inject('/api/v1/register/projects?institution=Nowhere')).json(), []);
    t.same((await app.inject('/api/v1/register/projects?year=2021')).json().length, 1);
    t.same((await app.inject('/api/v1/register/projects?year=2010')).json(), []);
    t.equal((await app.inject('/api/v1/register/projects?source=DROP%20TABLE')).statusCode, 400);
  },
);
