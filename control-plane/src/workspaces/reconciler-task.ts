import type pg from 'pg';
import type { Logger } from 'pino';
import type { LeaderTask } from '../leadership/leader-tasks.js';
import type { ActivityTracker } from './proxy/activity.js';
import type { Reconciler } from './reconciler.js';

/** Followers notify this channel with a workspace id; the leader listens and reconciles it. */
export const KICK_CHANNEL = 'klarsyn_workspace_kick';

export interface ReconcilerTaskDeps {
  pool: pg.Pool;
  reconciler: Reconciler;
  activity: ActivityTracker;
  intervalMs: number;
  logger: Logger;
}

export interface ReconcilerTask extends LeaderTask {
  /** Reconciles here when this replica leads, else asks the leader to (NOTIFY). */
  kick(id: string): Promise<void>;
  active(): boolean;
}

/**
 * The workspace reconciler as leader-only work: a pass at start and every interval, plus the kicks
 * of every replica (its own directly, the others' through LISTEN/NOTIFY). A kick that finds no
 * leader (between two) is not lost: the next leader's first pass looks at every live workspace.
 */
export function reconcilerTask(deps: ReconcilerTaskDeps): ReconcilerTask {
  const { pool, reconciler, activity, logger } = deps;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let listener: pg.PoolClient | undefined;
  let pass: Promise<void> = Promise.resolve();
  let busy = false;

  const reconcileAll = () => {
    if (busy || !running) return;
    busy = true;
    pass = activity
      .flush()
      .then(() => reconciler.reconcileAll())
      .catch((err) => logger.error({ err }, 'workspace reconciliation pass failed'))
      .finally(() => {
        busy = false;
      });
  };

  const listen = async () => {
    const client = await pool.connect();
    client.on('notification', (message) => {
      if (running && message.channel === KICK_CHANNEL && message.payload)
        void reconciler.kick(message.payload);
    });
    // A lost connection costs only latency: the periodic pass still finds every change.
    client.on('error', (err) => logger.warn({ err }, 'workspace kick listener lost its connection'));
    await client.query(`LISTEN ${KICK_CHANNEL}`);
    return client;
  };

  return {
    name: 'workspace-reconciler',
    active: () => running,
    async start() {
      running = true;
      listener = await listen().catch((err) => {
        logger.warn({ err }, 'cannot listen for workspace kicks; relying on the periodic pass');
        return undefined;
      });
      reconcileAll();
      timer = setInterval(reconcileAll, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      running = false;
      clearInterval(timer);
      await pass;
      await reconciler.settle();
      if (listener) {
        const client = listener;
        listener = undefined;
        await client.query(`UNLISTEN ${KICK_CHANNEL}`).catch(() => undefined);
        client.release();
      }
    },
    async kick(id) {
      if (running) return reconciler.kick(id);
      await pool
        .query('SELECT pg_notify($1, $2)', [KICK_CHANNEL, id])
        .catch((err) => logger.warn({ err, workspace: id }, 'could not hand a workspace kick to the leader'));
    },
  };
}
