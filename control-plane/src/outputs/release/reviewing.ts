/**
 * The reviewers' side: per-file votes, return or reject with a comment, approve after the blind
 * phase, and release: the approved files copied to the release area, their hashes published.
 * Every step first checks that the caller is an independent reviewer (invariant 5).
 */
import type { Principal } from '../../auth/principal.js';
import { KlarsynError } from '../../errors.js';
import { isActive } from '../../projects/status.js';
import { assertIndependentReviewer } from './access.js';
import { RELEASE_RELEASED, RELEASE_VOTED } from './events.js';
import { releasedKey, snapshotKey } from './files.js';
import { IN_REVIEW } from './status.js';
import * as db from './store.js';
import { changeStatus } from './transition.js';
import { approvalProblems, type VoteKind, voteProblem } from './votes.js';
import {
  account,
  change,
  followVotes,
  loadVisible,
  sameFiles,
  today,
  type WorkflowDeps,
  words,
} from './workflow.js';

/** One reviewer's vote on one file; the request moves on when the votes say so. */
export async function vote(
  deps: WorkflowDeps,
  principal: Principal,
  id: string,
  input: { file: string; vote: VoteKind; comment?: string },
): Promise<void> {
  await loadVisible(deps, principal, id);
  await change(deps, id, async (tx, locked, project) => {
    assertIndependentReviewer(principal, { ...locked, members: project.members });
    if (!(IN_REVIEW as readonly string[]).includes(locked.status)) {
      throw new KlarsynError('conflict', `a ${words(locked.status)} release request takes no votes`);
    }
    const file = locked.files.find((f) => f.name === input.file);
    if (!file) throw new KlarsynError('validation_failed', `${input.file} is not a file of this request`);
    const comment = input.comment ?? '';
    const problem = voteProblem(file, input.vote, comment);
    if (problem) throw new KlarsynError(file.verdict === 'block' ? 'conflict' : 'validation_failed', problem);
    await db.upsertVote(tx, id, {
      file: file.name,
      revision: file.revision,
      reviewer: principal.accountId,
      vote: input.vote,
      comment,
    });
    await deps.log.append(
      {
        type: RELEASE_VOTED,
        actor: account(principal),
        project: locked.projectId,
        subject: `release:${id}`,
        details: {
          request: id,
          file: file.name,
          revision: file.revision,
          sha256: file.sha256,
        },
      },
      tx,
    );
    await followVotes(deps, tx, id);
  });
}

/** Back to the researcher (`returned`) or refused for good (`rejected`), with a public comment. */
export async function decide(
  deps: WorkflowDeps,
  principal: Principal,
  id: string,
  to: 'returned' | 'rejected',
  comment: string,
): Promise<void> {
  await loadVisible(deps, principal, id);
  await change(deps, id, async (tx, locked, project) => {
    assertIndependentReviewer(principal, { ...locked, members: project.members });
    await changeStatus(tx, deps.log, locked, { to, by: 'reviewer', actor: account(principal), comment });
  });
}

/** After the blind phase: every file has N approvals, none has changes requested, none is blocked. */
export async function approve(deps: WorkflowDeps, principal: Principal, id: string): Promise<void> {
  await loadVisible(deps, principal, id);
  await change(deps, id, async (tx, locked, project) => {
    assertIndependentReviewer(principal, { ...locked, members: project.members });
    if (locked.status === 'reviewed') {
      const problems = approvalProblems(locked.files, locked.votes, deps.policy.approvalsPerFile);
      if (problems.length > 0) {
        throw new KlarsynError('conflict', `the request cannot be approved: ${problems.join('; ')}`, {
          details: { problems },
        });
      }
    }
    await changeStatus(tx, deps.log, locked, { to: 'approved', by: 'reviewer', actor: account(principal) });
  });
}

/** Copies the approved files to the release area and records their hashes, publicly. */
export async function release(deps: WorkflowDeps, principal: Principal, id: string): Promise<void> {
  const { request, project } = await loadVisible(deps, principal, id);
  assertIndependentReviewer(principal, { ...request, members: project.members });
  if (request.status !== 'approved') {
    throw new KlarsynError('conflict', `a ${words(request.status)} release request cannot be released`);
  }
  if (!isActive(project.status, project.application.deletionDate, today())) {
    throw new KlarsynError(
      'conflict',
      `the project is ${project.status}; nothing is released from an ended project`,
    );
  }
  // Defence in depth: the approval already required this, and nothing changes files after it.
  const problems = approvalProblems(request.files, request.votes, deps.policy.approvalsPerFile);
  if (problems.length > 0)
    throw new KlarsynError('conflict', `the request cannot be released: ${problems.join('; ')}`);
  for (const f of request.files) {
    const body = await deps.store.get(snapshotKey(project.id, id, f.sha256));
    await deps.store.put(releasedKey(project.id, id, f.name), body, { sha256: f.sha256 });
  }
  await change(deps, id, async (tx, locked) => {
    if (!sameFiles(locked, request))
      throw new KlarsynError('conflict', 'the request changed while its files were copied; try again');
    await changeStatus(tx, deps.log, locked, { to: 'released', by: 'reviewer', actor: account(principal) });
    await db.markReleased(tx, id);
    await deps.log.append(
      {
        type: RELEASE_RELEASED,
        actor: account(principal),
        project: project.id,
        subject: `release:${id}`,
        details: {
          request: id,
          files: locked.files.map((f) => ({
            name: f.name,
            revision: f.revision,
            size: f.size,
            sha256: f.sha256,
          })),
        },
      },
      tx,
    );
  });
}
