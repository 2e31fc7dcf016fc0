/**
 * What every step of the release workflow shares: its dependencies, reading a request with its
 * project, changing one under its row lock in one transaction, and following the votes.
 */
import type pg from 'pg';
import type { TransparencyLog } from '../../../../audit/store/transparency-log.js';
import type { Principal } from '../../auth/principal.js';
import { inTransaction } from '../../db/transaction.js';
import { KlarsynError } from '../../errors.js';
import { getProject, type Project } from '../../projects/store.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { viewerOf } from './access.js';
import type { PseudonymLoader, WorkspaceExtractVersion } from './checks.js';
import type { ReleasePolicy } from './policy.js';
import { getRequest, type ReleaseRequest } from './store.js';
import { changeStatus } from './transition.js';
import { statusAfterVotes } from './votes.js';

export interface WorkflowDeps {
  pool: pg.Pool;
  log: TransparencyLog;
  store: ObjectStore;
  policy: ReleasePolicy;
  pseudonyms?: PseudonymLoader;
  workspaceExtractVersion?: WorkspaceExtractVersion;
  maxFileBytes?: number;
}

export interface Loaded {
  request: ReleaseRequest;
  project: Project;
}

export const today = () => new Date().toISOString().slice(0, 10);
export const account = (p: Principal) => `account:${p.accountId}`;
export const words = (status: string) => status.replace('_', ' ');

export async function load(deps: WorkflowDeps, id: string): Promise<Loaded> {
  const request = await getRequest(deps.pool, id);
  const project = request && (await getProject(deps.pool, request.projectId));
  if (!request || !project) throw new KlarsynError('not_found', 'no such release request');
  return { request, project };
}

/** The request, if the caller may see it at all; invisible and missing look the same. */
export async function loadVisible(deps: WorkflowDeps, principal: Principal, id: string): Promise<Loaded> {
  const loaded = await load(deps, id);
  if (!viewerOf(principal, { ...loaded.request, members: loaded.project.members })) {
    throw new KlarsynError('not_found', 'no such release request');
  }
  return loaded;
}

/** Runs fn in one transaction on the request as it is under its row lock. */
export async function change<T>(
  deps: WorkflowDeps,
  id: string,
  fn: (tx: pg.PoolClient, request: ReleaseRequest, project: Project) => Promise<T>,
): Promise<T> {
  return inTransaction(deps.pool, async (tx) => {
    const request = await getRequest(tx, id, true);
    const project = request && (await getProject(tx, request.projectId));
    if (!request || !project) throw new KlarsynError('not_found', 'no such release request');
    return fn(tx, request, project);
  });
}

/** Moves a request that is with the reviewers where its votes take it (logged as the platform's move). */
export async function followVotes(deps: WorkflowDeps, tx: pg.PoolClient, id: string): Promise<void> {
  const current = (await getRequest(tx, id)) as ReleaseRequest;
  const next = statusAfterVotes(current.status, current.files, current.votes, deps.policy.approvalsPerFile);
  if (next !== current.status)
    await changeStatus(tx, deps.log, current, { to: next, by: 'system', actor: 'system' });
}

/** The same files at the same revisions: nothing changed between a read and a locked write. */
export function sameFiles(a: ReleaseRequest, b: ReleaseRequest): boolean {
  const key = (r: ReleaseRequest) => r.files.map((f) => `${f.name}@${f.revision}`).join('/');
  return key(a) === key(b);
}
