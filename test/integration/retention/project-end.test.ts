// Invariant 2: destroying a project's key at its end makes its pseudonyms unlinkable for good.
// An ended project (withdrawn, or expired at its deletion date) loses its extract files, the
// review copies of its release requests and its keys; the log records it only once the files are
// gone, and a project still running is untouched.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { findAccountByUsername, principalOf } from '../../../control-plane/src/auth/accounts.js';
import { ReleaseService } from '../../../control-plane/src/outputs/release/index.js';
import { ProjectWorkflow } from '../../../control-plane/src/projects/workflow.js';
import { deleteEndedProjectData } from '../../../control-plane/src/retention/project-end.js';
import { extractsPrefix, outboxPrefix, projectPrefix } from '../../../control-plane/src/storage/layout.js';
import type { ObjectStore } from '../../../control-plane/src/storage/object-store.js';
import { buildTestApp } from '../../support/app.js';
import { approvedProjectWithExtract, logEvents, seed } from '../workspaces/support.js';

t.test(
  'an ended project loses its extract files, review copies and keys; a running one keeps them',
  async (t) => {
    const ctx = await buildTestApp(t);
    const people = await seed(ctx, ctx.store);
    const ended = await approvedProjectWithExtract(ctx.app, people.anna);
    const running = await approvedProjectWithExtract(ctx.app, people.anna);
    const deps = { pool: ctx.pool, log: new TransparencyLog(), store: ctx.store };

    const files = async (project: string, prefix = extractsPrefix(project)) => {
      const keys: string[] = [];
      for await (const o of ctx.store.list(prefix)) keys.push(o.key);
      return keys;
    };
    // A table submitted for release from a workspace's outbox: the request keeps a review copy.
    const annaAccount = await findAccountByUsername(ctx.pool, 'anna');
    if (!annaAccount) throw new Error('seed made anna');
    const anna = principalOf(annaAccount, 'password');
    const workspaceId = randomUUID();
    await ctx.store.put(`${outboxPrefix(ended, workspaceId)}by_region.csv`, Buffer.from('region,n\nH,12\n'));
    await new ReleaseService({ pool: ctx.pool, log: new TransparencyLog(), store: ctx.store }).create(
      anna,
      ended,
      { workspaceId, files: ['by_region.csv'], context: 'a table for review' },
    );
    const reviewCopies = async () =>
      (await files(ended, `${projectPrefix(ended)}releases/`)).filter((k) => k.includes('/submitted/'));
    t.equal((await reviewCopies()).length, 1, 'the request holds a review copy');
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
    t.same(await logEvents(ctx.pool, 'project.data_deleted'), [], 'no deletion is logged before it happens');
    t.equal(await liveKeys(ended), 1, 'the key is kept while the files remain');

    t.same(await deleteEndedProjectData(deps), [ended], 'the ended project is finished');
    t.same(await files(ended), [], 'its extract files are gone');
    t.same(await reviewCopies(), [], 'and the review copies of its release requests');
    t.equal(await liveKeys(ended), 0, 'its key is destroyed');
    const [event] = await logEvents(ctx.pool, 'project.data_deleted');
    t.match(event, {
      type: 'project.data_deleted',
      actor: 'system',
      project: ended,
      details: { extract_versions: [1], release_requests: 1, keys_destroyed: 1 },
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
    t.equal((await logEvents(ctx.pool, 'project.data_deleted')).length, 1, 'and logs nothing again');

    // At its deletion date the other project expires, and the next round ends it too.
    await new ProjectWorkflow(ctx.pool, new TransparencyLog()).expireDue('2032-01-01');
    t.same(await deleteEndedProjectData(deps), [running]);
    t.same(await files(running), []);
    t.equal(await liveKeys(running), 0);
  },
);
