import { KlarsynError } from '../errors.js';

/**
 * Every state a workspace can be in. `requested → provisioning → running → stopping → stopped` is
 * the life of one run; `failed` (with a reason) can end any active state; `deleted` is final.
 */
export const WORKSPACE_STATUS = [
  'requested',
  'provisioning',
  'running',
  'stopping',
  'stopped',
  'failed',
  'deleted',
] as const;
export type WorkspaceStatus = (typeof WORKSPACE_STATUS)[number];

/** States in which the runtime may hold something of the workspace (and the reconciler works on it). */
export const ACTIVE_STATUSES = [
  'requested',
  'provisioning',
  'running',
  'stopping',
] as const satisfies readonly WorkspaceStatus[];

export function isActiveStatus(status: WorkspaceStatus): boolean {
  return (ACTIVE_STATUSES as readonly WorkspaceStatus[]).includes(status);
}

/**
 * Who moves a workspace: a member of its project (through the API), an admin (stop and delete only,
 * for operations), or the reconciler, which alone turns requests into running sandboxes and back.
 */
export type WorkspaceActor = 'member' | 'admin' | 'system';

const PEOPLE = ['member', 'admin', 'system'] as const;

/** From each state, the states it may move to and who may move it there. `deleted` is final. */
export const TRANSITIONS: Record<
  WorkspaceStatus,
  Partial<Record<WorkspaceStatus, readonly WorkspaceActor[]>>
> = {
  requested: { provisioning: ['system'], stopping: PEOPLE, failed: ['system'] },
  provisioning: { running: ['system'], stopping: PEOPLE, failed: ['system'] },
  // Back to provisioning when the runtime lost a sandbox the workspace should still have.
  running: { stopping: PEOPLE, provisioning: ['system'], failed: ['system'] },
  stopping: { stopped: ['system'], failed: ['system'] },
  // Restart keeps the outbox: it lives in object storage, not in the sandbox.
  stopped: { requested: ['member'], deleted: PEOPLE },
  failed: { requested: ['member'], deleted: PEOPLE },
  deleted: {},
};

export function assertTransition(from: WorkspaceStatus, to: WorkspaceStatus, actor: WorkspaceActor): void {
  const allowed = TRANSITIONS[from][to];
  if (allowed === undefined) throw new KlarsynError('conflict', `a ${from} workspace cannot become ${to}`);
  if (!allowed.includes(actor)) {
    throw new KlarsynError('forbidden', `${describe(actor)} may not move a workspace from ${from} to ${to}`);
  }
}

function describe(actor: WorkspaceActor): string {
  return { member: 'a project member', admin: 'an admin', system: 'the reconciler' }[actor];
}
