// Workspaces through the API on the local sandbox: who may launch, what bad input changes (nothing),
// the life of a workspace with each step logged, idle and deletion deadlines, and a control-plane
// restart repaired by the reconciler.
import { existsSync } from 'node:fs';
import t, { type Test } from 'tap';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { ProjectWorkflow } from '../../../control-plane/src/projects/workflow.js';
import { outboxPrefix } from '../../../control-plane/src/storage/layout.js';
import { buildTestApp } from '../../support/app.js';
import {
  approvedProjectWithExtract,
  fakeJupyterToolPath,
  launch,
  logEvents,
  seed,
  successorWorkspaces,
  waitForStatus,
} from './support.js';

const SLEEPER = '#!/bin/sh\nsleep 600\n';

async function setup(t: Test, overrides: Record<string, string | number | boolean> = {}) {
  const ctx = await buildTestApp(t, {
    'workspaces.local.toolPaths': fakeJupyterToolPath(t),
    'workspaces.reconcileIntervalSeconds': 3600,
    ...overrides,
  });
  const people = await seed(ctx, ctx.store);
  const projectId = await approvedProjectWithExtract(ctx.app, people.anna);
  return { ...ctx, ...people, projectId };
}

t.test('invariant 7: bad launches get a 4xx with the reason and create nothing', async (t) => {
  const ctx = await setup(t, { 'workspaces.maxActivePerProject': 1 });
  const { app, pool, anna, bo, admin, projectId } = ctx;
  const withoutExtract = await approvedProjectWithExtract(app, anna, { extract: false });
  const stewardHeaders = {
    authorization: (
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'sds', password: 'correct horse battery staple' },
      })
    ).json().accessToken,
  };
  const count = async () => (await pool.query('SELECT count(*)::int AS n FROM workspaces')).rows[0].n;

  const cases: [string, Record<string, string>, string, Record<string, unknown>, number, string, RegExp][] = [
    [
      'unknown template',
      anna,
      projectId,
      { template: 'vscode' },
      400,
      'validation_failed',
      /unknown workspace template/,
    ],
    [
      'script for an interactive template',
      anna,
      projectId,
      { template: 'jupyter', script: '#!/bin/sh\n' },
      400,
      'validation_failed',
      /runs no script/,
    ],
    ['batch without a script', anna, projectId, { template: 'batch' }, 400, 'validation_failed', /send one/],
    [
      'script without #!',
      anna,
      projectId,
      { template: 'batch', script: 'print(1)' },
      400,
      'validation_failed',
      /#!/,
    ],
    [
      'unpublished extract version',
      anna,
      projectId,
      { template: 'jupyter', extractVersion: 7 },
      400,
      'validation_failed',
      /not published/,
    ],
    [
      'unknown field',
      anna,
      projectId,
      { template: 'jupyter', privileged: true },
      400,
      'validation_failed',
      /additional/,
    ],
    ['non-member', bo, projectId, { template: 'jupyter' }, 404, 'not_found', /no such project/],
    ['admin (not a researcher)', admin, projectId, { template: 'jupyter' }, 403, 'forbidden', /roles/],
    [
      'steward',
      { authorization: `Bearer ${stewardHeaders.authorization}` },
      projectId,
      { template: 'jupyter' },
      403,
      'forbidden',
      /roles/,
    ],
    [
      'no extract yet',
      anna,
      withoutExtract,
      { template: 'jupyter' },
      409,
      'conflict',
      /no published extract/,
    ],
    [
      'RStudio on the local sandbox',
      anna,
      projectId,
      { template: 'rstudio' },
      409,
      'conflict',
      /cannot run RStudio Server/,
    ],
  ];
  for (const [name, headers, project, payload, status, code, message] of cases) {
    const res = await launch(app, headers, project, payload);
    t.equal(res.statusCode, status, `${name}: ${res.statusCode}`);
    t.equal(res.json().error, code, name);
    t.match(res.json().message, message, name);
  }
  t.equal(await count(), 0, 'no workspace was created');
  t.same(await logEvents(pool, 'workspace.'), [], 'and nothing was logged');

  const first = await launch(app, anna, projectId, { template: 'batch', script: SLEEPER });
  t.equal(first.statusCode, 202);
  const over = await launch(app, anna, projectId, { template: 'jupyter' });
  t.equal(over.statusCode, 409, 'quota exceeded');
  t.match(over.json(), { error: 'conflict', message: /1 active workspaces, its quota/ });
  t.equal(await count(), 1, 'the refused launch left nothing behind');

  await new ProjectWorkflow(pool, new TransparencyLog()).expireDue('2032-01-01');
  const expired = await launch(app, anna, projectId, { template: 'jupyter' });
  t.equal(expired.statusCode, 409, 'expired project');
  t.match(expired.json().message, /expired; workspaces need an approved, unexpired project/);
});

t.test(
  'launch, open in the browser, stop, restart on the same outbox, delete: each step logged',
  async (t) => {
    const { app, pool, store, anna, bo, admin, projectId } = await setup(t);
    const launched = await launch(app, anna, projectId, { template: 'jupyter' });
    t.equal(launched.statusCode, 202);
    const id = launched.json().id as string;
    t.match(launched.json(), {
      status: 'requested',
      desired: 'running',
      template: 'jupyter',
      runtime: 'local',
      extractVersion: 1,
    });
    await waitForStatus(app, anna, id, ['running']);

    t.equal(
      (await app.inject({ url: `/api/v1/workspaces/${id}`, headers: bo })).statusCode,
      404,
      'hidden from non-members',
    );
    t.equal(
      (await app.inject({ url: `/api/v1/workspaces/${id}`, headers: admin })).statusCode,
      200,
      'visible to admins',
    );
    await store.put(`${outboxPrefix(projectId, id)}by_region.csv`, Buffer.from('region,n\n'));
    const listing = await app.inject({ url: `/api/v1/workspaces/${id}/outbox`, headers: anna });
    t.match(listing.json(), [{ name: 'by_region.csv', size: 9 }], 'the outbox lists names and sizes');
    t.notMatch(listing.body, /region,n/, 'never contents');
    t.equal(
      (await app.inject({ url: `/api/v1/workspaces/${id}/outbox`, headers: bo })).statusCode,
      404,
      "invariant 1: another project's member cannot list the outbox",
    );
    const listed = (
      await app.inject({ url: `/api/v1/projects/${projectId}/workspaces`, headers: anna })
    ).json();
    t.same(
      listed.map((w: { id: string }) => w.id),
      [id],
    );

    const connect = await app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${id}/connect`,
      headers: anna,
    });
    t.equal(connect.statusCode, 200);
    const opened = await app.inject({ url: connect.json().url });
    t.equal(opened.statusCode, 303, 'the ticket is exchanged for a cookie');
    t.equal(opened.headers.location, `/workspaces/${id}/`);
    const cookie = String(opened.headers['set-cookie']).split(';')[0] as string;
    const page = await app.inject({
      url: `/workspaces/${id}/lab?x=1`,
      headers: { cookie: `${cookie}; other=1` },
    });
    t.equal(page.statusCode, 200, page.body);
    t.match(
      page.json(),
      { path: `/workspaces/${id}/lab?x=1`, uid: 1000, cookie: 'other=1' },
      'the app never sees the Klarsyn cookie',
    );
    t.ok(page.json().extract.includes('manifest.json'), 'the app sees the extract');

    // Something in the sandbox writes a result; it must survive a restart.
    const outbox = store.hostPath(outboxPrefix(projectId, id));
    await store.put(`${outboxPrefix(projectId, id)}table.csv`, Buffer.from('region,n\nH,12\n'));

    const stopped = await app.inject({ method: 'POST', url: `/api/v1/workspaces/${id}/stop`, headers: anna });
    t.equal(stopped.statusCode, 202);
    t.match(stopped.json(), { status: 'stopping', desired: 'stopped' });
    await waitForStatus(app, anna, id, ['stopped']);
    t.same(await app.workspaces.runtime.held(), [], 'invariant 6: the sandbox is gone at stop');
    t.equal(
      (await app.inject({ url: `/workspaces/${id}/lab`, headers: { cookie } })).statusCode,
      401,
      'and so is browser access',
    );
    t.equal(
      (await app.inject({ method: 'POST', url: `/api/v1/workspaces/${id}/stop`, headers: anna })).statusCode,
      409,
      'a stopped workspace cannot be stopped',
    );

    t.equal(
      (await app.inject({ method: 'POST', url: `/api/v1/workspaces/${id}/restart`, headers: anna }))
        .statusCode,
      202,
    );
    await waitForStatus(app, anna, id, ['running']);
    t.ok(existsSync(`${outbox}/table.csv`), 'restart keeps the outbox');

    t.equal(
      (await app.inject({ method: 'DELETE', url: `/api/v1/workspaces/${id}`, headers: bo })).statusCode,
      404,
    );
    const deleted = await app.inject({ method: 'DELETE', url: `/api/v1/workspaces/${id}`, headers: anna });
    t.equal(deleted.statusCode, 202);
    t.match(deleted.json(), { status: 'stopping', desired: 'deleted' });
    await app.workspaces.reconciler.settle();
    const gone = await waitForStatus(app, admin, id, ['deleted']);
    t.equal(gone.status, 'deleted');
    t.notOk(existsSync(outbox), 'delete removes the outbox');
    t.same((await app.inject({ url: `/api/v1/projects/${projectId}/workspaces`, headers: anna })).json(), []);
    t.equal(
      (
        await app.inject({ url: `/api/v1/projects/${projectId}/workspaces?deleted=true`, headers: anna })
      ).json().length,
      1,
    );

    const events = await logEvents(pool, 'workspace.');
    const summary = events.map((e) =>
      e.type === 'workspace.status_changed'
        ? `${e.details.from}→${e.details.to}`
        : `${e.type.slice(10)}:${e.details.action ?? ''}`,
    );
    t.same(summary, [
      'requested:launch',
      'requested→provisioning',
      'provisioning→running',
      'connected:',
      'running→stopping',
      'requested:stop',
      'stopping→stopped',
      'stopped→requested',
      'requested:restart',
      'requested→provisioning',
      'provisioning→running',
      'running→stopping',
      'requested:delete',
      'stopping→stopped',
      'stopped→deleted',
    ]);
    const annaId = (await pool.query("SELECT id FROM accounts WHERE username = 'anna'")).rows[0].id;
    t.ok(
      events.filter((e) => e.type === 'workspace.requested').every((e) => e.actor === `account:${annaId}`),
      'people are named',
    );
    t.ok(events.every((e) => e.subject === `workspace:${id}` && e.project === projectId));
  },
);

t.test('invariant 6: an idle workspace is stopped; one of an expired project is deleted', async (t) => {
  const { app, pool, anna, projectId } = await setup(t);
  const idle = (await launch(app, anna, projectId, { template: 'jupyter' })).json().id;
  const busy = (await launch(app, anna, projectId, { template: 'jupyter' })).json().id;
  await waitForStatus(app, anna, idle, ['running']);
  await waitForStatus(app, anna, busy, ['running']);
  await pool.query(`UPDATE workspaces SET last_activity_at = now() - interval '61 minutes' WHERE id = $1`, [
    idle,
  ]);
  await app.workspaces.reconciler.reconcileAll();
  t.match(await waitForStatus(app, anna, idle, ['stopped']), {
    reason: 'idle for 60 min',
    desired: 'stopped',
  });
  t.match(
    await waitForStatus(app, anna, busy, ['running']),
    { status: 'running' },
    'the other one keeps running',
  );

  await new ProjectWorkflow(pool, new TransparencyLog()).expireDue('2032-01-01');
  await app.workspaces.reconciler.reconcileAll();
  await app.workspaces.reconciler.reconcileAll();
  for (const id of [idle, busy])
    t.match(await waitForStatus(app, anna, id, ['deleted']), { status: 'deleted' });
  t.same(await app.workspaces.runtime.held(), [], 'nothing of the project runs');
  const retired = (await logEvents(pool, 'workspace.requested')).filter((e) => e.actor === 'system');
  t.equal(retired.length, 2, 'the platform logs that it deleted them');
  t.ok(retired.every((e) => e.details.action === 'delete'));
});

t.test(
  'after a control-plane restart the reconciler starts interactive workspaces again and fails interrupted batch runs',
  async (t) => {
    const { app, pool, anna, projectId, config, store } = await setup(t);
    const interactive = (await launch(app, anna, projectId, { template: 'jupyter' })).json().id;
    const batch = (await launch(app, anna, projectId, { template: 'batch', script: SLEEPER })).json().id;
    await waitForStatus(app, anna, interactive, ['running']);
    await waitForStatus(app, anna, batch, ['running']);
    // The process dies: its sandboxes die with it (bwrap --die-with-parent).
    await app.workspaces.runtime.close();

    const successor = await successorWorkspaces(t, { app, pool, store, config });
    t.match(await waitForStatus(app, anna, interactive, ['running']), { status: 'running' });
    t.same(await successor.workspaces.runtime.held(), [interactive], 'its sandbox runs again');
    t.match(await waitForStatus(app, anna, batch, ['failed']), {
      reason: 'the batch run was interrupted before it finished',
    });
    const changes = (await logEvents(pool, 'workspace.status_changed')).filter(
      (e) => e.subject === `workspace:${interactive}`,
    );
    t.match(changes.at(-2).details, { from: 'running', to: 'provisioning', reason: /lost the sandbox/ });
  },
);
