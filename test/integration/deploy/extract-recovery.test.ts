// With several replicas, "running" in the extracts table no longer means "running here": recovery
// (on the leader, at start and every minute) fails only the extract jobs whose process is gone,
// which PostgreSQL tells by the session lock the owning replica holds.
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { inTransaction } from '../../../control-plane/src/db/transaction.js';
import { loadGeneralisationPolicy } from '../../../control-plane/src/extracts/generalisation.js';
import { ExtractService } from '../../../control-plane/src/extracts/service.js';
import { insertExtract } from '../../../control-plane/src/extracts/store.js';
import { holdJobLock } from '../../../control-plane/src/leadership/job-locks.js';
import { createLogger } from '../../../control-plane/src/logger.js';
import { masterKeyFromBytes } from '../../../control-plane/src/pseudonym/master-key.js';
import { buildTestApp } from '../../support/app.js';
import { approvedProjectWithExtract, seed } from '../workspaces/support.js';

t.test('recovery fails the extracts of a dead replica, not those another replica is running', async (t) => {
  const ctx = await buildTestApp(t);
  const people = await seed(ctx, ctx.store);
  const projectId = await approvedProjectWithExtract(ctx.app, people.anna, { extract: false });
  const { rows } = await ctx.pool.query<{ id: string }>("SELECT id FROM accounts WHERE username = 'anna'");
  const anna = rows[0]?.id as string;
  const running = async () => {
    const record = await inTransaction(ctx.pool, (tx) => insertExtract(tx, projectId, anna));
    // Requested a while ago: past the grace period in which an owner may still be taking its lock.
    await ctx.pool.query("UPDATE extracts SET requested_at = now() - interval '5 minutes' WHERE id = $1", [
      record.id,
    ]);
    return record.id;
  };
  const onLiveReplica = await running();
  const onDeadReplica = await running();
  // The live replica's lock (its own connection, as ExtractService holds it while it works).
  const release = await holdJobLock(ctx.pool, 'extract', onLiveReplica);

  const extracts = new ExtractService({
    pool: ctx.pool,
    log: new TransparencyLog(),
    store: ctx.store,
    masterKey: async () => masterKeyFromBytes(randomBytes(32)),
    policy: loadGeneralisationPolicy(),
    logger: createLogger('silent'),
  });
  const status = async (id: string) =>
    (await ctx.pool.query<{ status: string }>('SELECT status FROM extracts WHERE id = $1', [id])).rows[0]
      ?.status;

  t.equal(await extracts.recoverInterrupted(), 1, 'one job recovered');
  t.equal(await status(onDeadReplica), 'failed', "the dead replica's job is failed cleanly");
  t.equal(await status(onLiveReplica), 'running', "the live replica's job is left alone");

  // Its replica dies too (the lock goes with the connection): the next round fails it.
  await release();
  t.equal(await extracts.recoverInterrupted(), 1);
  t.equal(await status(onLiveReplica), 'failed');

  // A job requested a moment ago is not touched yet, lock or not.
  const fresh = await inTransaction(ctx.pool, (tx) => insertExtract(tx, projectId, anna));
  t.equal(await extracts.recoverInterrupted(), 0);
  t.equal(await status(fresh.id), 'running');
});
