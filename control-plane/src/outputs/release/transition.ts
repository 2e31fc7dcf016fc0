import type pg from 'pg';
import type { TransparencyLog } from '../../../../audit/store/transparency-log.js';
import { RELEASE_STATUS_CHANGED } from './events.js';
import { assertTransition, type ReleaseActor, type ReleaseStatus } from './status.js';
import { type ReleaseRequest, setStatus } from './store.js';

export interface StatusChange {
  to: ReleaseStatus;
  /** Who may make it, per the transition table. */
  by: ReleaseActor;
  /** Who the log names: `account:<id>`, `workspace:<id>` or `system`. */
  actor: string;
  /** The reviewers' public comment on a return or rejection (kept out of the log). */
  comment?: string;
  profile?: string;
}

/**
 * The one way a release request changes state: checked against the table, written, and logged in
 * the caller's transaction. `request` must have been read with its row locked in that transaction.
 * Returns the request as it now is (status only; re-read for the rest).
 */
export async function changeStatus(
  tx: pg.PoolClient,
  log: TransparencyLog,
  request: ReleaseRequest,
  change: StatusChange,
): Promise<ReleaseRequest> {
  assertTransition(request.status, change.to, change.by);
  await setStatus(tx, request.id, change.to, {
    ...(change.comment !== undefined ? { comment: change.comment } : {}),
    ...(change.profile !== undefined ? { profile: change.profile } : {}),
  });
  await log.append(
    {
      type: RELEASE_STATUS_CHANGED,
      actor: change.actor,
      project: request.projectId,
      subject: `release:${request.id}`,
      details: { request: request.id, from: request.status, to: change.to },
    },
    tx,
  );
  return { ...request, status: change.to };
}
