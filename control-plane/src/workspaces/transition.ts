import type pg from 'pg';
import type { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { WORKSPACE_STATUS_CHANGED } from './events.js';
import type { DesiredState } from './plan.js';
import { assertTransition, type WorkspaceActor, type WorkspaceStatus } from './status.js';
import { setStatus, type Workspace } from './store.js';

export interface StatusChange {
  to: WorkspaceStatus;
  /** Who may make it, per the transition table, and who is named in the log (`account:<id>`, `system`). */
  by: WorkspaceActor;
  actor: string;
  desired?: DesiredState;
  reason?: string | null;
}

/**
 * The one way a workspace changes state: checked against the table, written, and logged in the
 * caller's transaction. `workspace` must have been read with its row locked in that transaction.
 */
export async function changeStatus(
  tx: pg.PoolClient,
  log: TransparencyLog,
  workspace: Workspace,
  change: StatusChange,
): Promise<void> {
  assertTransition(workspace.status, change.to, change.by);
  // A reason explains the state it came with; a new run starts without one.
  const reason = change.reason ?? (change.to === 'requested' ? null : workspace.reason);
  await setStatus(tx, workspace.id, {
    status: change.to,
    desired: change.desired ?? workspace.desired,
    reason,
    // A run's idle clock starts when it starts.
    resetActivity: change.to === 'running' || change.to === 'requested',
  });
  await log.append(
    {
      type: WORKSPACE_STATUS_CHANGED,
      actor: change.actor,
      project: workspace.projectId,
      subject: `workspace:${workspace.id}`,
      details: { from: workspace.status, to: change.to, ...(reason ? { reason } : {}) },
    },
    tx,
  );
}
