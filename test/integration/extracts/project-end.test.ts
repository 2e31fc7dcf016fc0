// Invariant 2: destroying a project's key at its end makes its pseudonyms unlinkable for good.
// An ended project (withdrawn, or expired at its deletion date) loses its extract files and its
// keys; the log records it only once the files are gone, and a project still running is untouched.
import t from 'tap';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { deleteEndedProjectData } from '../../../control-plane/src/extracts/project-end.js';
import { ProjectWorkflow } from '../../../control-plane/src/projects/workflow.js';
import { extractsPrefix } from '../../../control-plane/src/storage/layout.js';
import type { ObjectStore } from '../../../control-plane/src/storage/object-store.js';
import { buildTestApp } from '../../support/app.js';
import { approvedProjectWithExtract, logEvents, seed } from '../workspaces/support.js';

t.test('an ended project loses its extract files and keys; a running one keeps them', async (t) => {
  const ctx = await buildTestApp(t);
  const people = await seed(ctx, ctx.store);
  const ended = await approvedProjectWithExtract(ctx.app, people.anna);
  const running = await approvedProjectWithExtract(ctx.app, people.anna);
  const deps = { pool: ctx.pool, log: new TransparencyLog(), store: ctx.store };

  const files = async (project: string) => {
    const keys: string[] = [];
    for await (const o of ctx.store.list(extractsPrefix(project))) keys.push(o.key);
    return keys;
  };
  const liveKeys = async (project: string) =>
    Number(
      (
        await ctx.pool.query<{ n: string }>(
          'SELECT count(*) AS n FROM project_keys WHERE project_id = $1 AND wrapped IS NOT NULL',
          [project],
        )
      ).rows[0]?.n,
    );
  t.ok((await files(ended)).length > 0, 'the extract was published');
  t.equal(await liveKeys(ended), 1);

  t.same(await deleteEndedProjectData(deps), [], 'nothing has ended yet');
  const withdrawn = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/projects/${ended}/withdraw`,
    headers: people.anna,
  });
  t.equal(withdrawn.json().status, 'withdrawn');

  // Storage fails: nothing is claimed, nothing destroyed, and the next round tries again.
  const broken = Object.assign(Object.create(ctx.store) as ObjectStore, {
    deletePrefix: async () => {
      throw new Error('object store unreachable');
    },
  });
  await t.rejects(deleteEndedProjectData({ ...deps, store: broken }), /unreachable/);
  t.same(await logEvents(ctx.pool, 'extract.deleted'), [], 'no deletion is logged before it happens');
  t.equal(await liveKeys(ended), 1, 'the key is kept while the files remain');

  t.same(await deleteEndedProjectData(deps), [ended], 'the ended project is finished');
  t.same(await files(ended), [], 'its extract files are gone');
  t.equal(await liveKeys(ended), 0, 'its key is destroyed');
  const [event] = await logEvents(ctx.pool, 'extract.deleted');
  t.match(event, {
    type: 'extract.deleted',
    actor: 'system',
    project: ended,
    details: { versions: [1], keys_destroyed: 1 },
  });
  const listed = await ctx.app.inject({ url: `/api/v1/projects/${ended}/extracts`, headers: people.anna });
  t.match(listed.json()[0], { version: 1, status: 'published', deletedAt: /^\d{4}-/ }, 'the record stays');
  t.equal(
    (
      await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/projects/${ended}/extracts`,
        headers: people.anna,
      })
    ).statusCode,
    409,
    'no new extract of an ended project',
  );

  t.ok((await files(running)).length > 0, 'the running project keeps its files');
  t.equal(await liveKeys(running), 1, 'and its key');
  t.same(await deleteEndedProjectData(deps), [], 'a second round has nothing to do');
  t.equal((await logEvents(ctx.pool, 'extract.deleted')).length, 1, 'and logs nothing again');

  // At its deletion date the other project expires, and the next round ends it too.
  await new ProjectWorkflow(ctx.pool, new TransparencyLog()).expireDue('2032-01-01');
  t.same(await deleteEndedProjectData(deps), [running]);
  t.same(await files(running), []);
  t.equal(await liveKeys(running), 0);
});
