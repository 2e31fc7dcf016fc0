// The automatic checks on submit read what the platform knows about the project: its newest
// extract's pseudonyms and cohort size, its sources' profiles, and its earlier releases.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { extractPseudonyms } from '../../../control-plane/src/outputs/release/index.js';
import { outboxPrefix } from '../../../control-plane/src/storage/layout.js';
import { addAccount, bearer, buildTestApp, login } from '../../support/app.js';
import { approvedProjectWithExtract, seed } from '../workspaces/support.js';
import { api } from './support.js';

t.setTimeout(600_000);

t.test(
  "invariant 1: a table hiding one of the project's pseudonyms is blocked, whatever its metadata says",
  async (t) => {
    const ctx = await buildTestApp(t, { 'workspaces.reconcileIntervalSeconds': 3600 });
    const people = await seed(ctx, ctx.store);
    const projectId = await approvedProjectWithExtract(ctx.app, people.anna);
    await addAccount(ctx.pool, 'rev1', [{ role: 'reviewer' }]);
    const pseudonyms = [...(await extractPseudonyms(ctx.pool, ctx.store)(projectId, 1))];
    t.ok(pseudonyms.length >= 3, `the extract's pseudonyms are read (${pseudonyms.length})`);

    const workspaceId = randomUUID();
    const [a, b, c] = pseudonyms;
    await ctx.store.put(
      `${outboxPrefix(projectId, workspaceId)}groups.csv`,
      Buffer.from(`group,patients\n${a},12\n${b},15\n${c},30\n`),
    );
    await ctx.store.put(
      `${outboxPrefix(projectId, workspaceId)}outputs.yaml`,
      Buffer.from(
        'files:\n  - {path: groups.csv, kind: frequency, dimensions: [group], counts: [patients]}\n',
      ),
    );
    const call = api(ctx.app);
    const draft = await call(people.anna, 'POST', `/projects/${projectId}/release-requests`, {
      workspaceId,
      files: ['groups.csv'],
      context: 'Patients per group',
    });
    t.equal(draft.status, 201, draft.res.body);
    const sub = await call(people.anna, 'POST', `/release-requests/${draft.body.id}/submit`, {});
    t.equal(sub.status, 200, sub.res.body);
    t.equal(sub.body.profile, 'dst+sds', "the strictest of the extract's sources' profiles");
    const [file] = sub.body.files;
    t.equal(file.verdict, 'block');
    t.ok(
      file.findings.some((f: { rule: string }) => f.rule === 'pseudonym'),
      'found by the pseudonym rule',
    );
    const rev1 = bearer(await login(ctx.app, 'rev1'));
    const vote = await call(rev1, 'POST', `/release-requests/${draft.body.id}/votes`, {
      file: 'groups.csv',
      vote: 'approve',
    });
    t.equal(vote.status, 409, 'and can never be approved');

    // A query-backed table whose numbers are not what its query gives on the extract.
    await ctx.store.put(
      `${outboxPrefix(projectId, workspaceId)}persons.sql`,
      Buffer.from('SELECT count(DISTINCT pnr) AS patients FROM bef'),
    );
    await ctx.store.put(
      `${outboxPrefix(projectId, workspaceId)}persons.csv`,
      Buffer.from('patients\n4000\n'),
    );
    await ctx.store.put(
      `${outboxPrefix(projectId, workspaceId)}outputs.yaml`,
      Buffer.from(
        'files:\n  - {path: persons.csv, kind: frequency, counts: [patients], query: persons.sql, persons: pnr}\n  - {path: persons.sql, kind: code}\n',
      ),
    );
    const queried = await call(people.anna, 'POST', `/projects/${projectId}/release-requests`, {
      workspaceId,
      files: ['persons.csv', 'persons.sql'],
      context: 'Persons in the cohort, from a query',
    });
    const checked = await call(people.anna, 'POST', `/release-requests/${queried.body.id}/submit`, {});
    const table = checked.body.files.find((f: { name: string }) => f.name === 'persons.csv');
    t.equal(table.verdict, 'block', JSON.stringify(table.findings));
    t.ok(
      table.findings.some((f: { rule: string }) => f.rule.startsWith('query')),
      'the query was re-run against the extract and its result differs',
    );
  },
);

t.test(
  'invariant 2: a CPR number a check finds in a file is masked in the findings the API returns and stores',
  async (t) => {
    const ctx = await buildTestApp(t, { 'workspaces.reconcileIntervalSeconds': 3600 });
    const people = await seed(ctx, ctx.store);
    const projectId = await approvedProjectWithExtract(ctx.app, people.anna);
    const workspaceId = randomUUID();
    await ctx.store.put(
      `${outboxPrefix(projectId, workspaceId)}list.csv`,
      Buffer.from('person,patients\n070761-4285,12\n0101901234,15\n'),
    );
    const call = api(ctx.app);
    const draft = await call(people.anna, 'POST', `/projects/${projectId}/release-requests`, {
      workspaceId,
      files: ['list.csv'],
      context: 'A list that should never leave',
    });
    const sub = await call(people.anna, 'POST', `/release-requests/${draft.body.id}/submit`, {});
    t.equal(sub.status, 200, sub.res.body);
    t.equal(sub.body.files[0].verdict, 'block');
    t.match(
      JSON.stringify(sub.body.files[0].findings),
      /••••••-••••/,
      'the finding still points at the cell',
    );
    const shown = await call(people.anna, 'GET', `/release-requests/${draft.body.id}`);
    const stored = await ctx.pool.query('SELECT findings::text AS f FROM release_files');
    for (const [where, text] of [
      ['submit response', sub.res.body],
      ['request view', shown.res.body],
      ['database', stored.rows.map((r) => r.f).join('\n')],
    ]) {
      t.notMatch(text, /0707614285|070761-4285|0101901234/, `no CPR number in the ${where}`);
    }
  },
);
