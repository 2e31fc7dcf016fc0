/**
 * Per-file votes of output reviewers, and what they add up to. Pure: the service reads votes and
 * files, asks here, and writes what follows.
 *
 * - A vote is `approve` or `changes_requested` (with a comment), by one reviewer, on one revision of
 *   one file; a reviewer may change their vote. Replacing a file starts a new revision, so its old
 *   votes no longer count.
 * - The request is reviewed once every file has votes from N different reviewers; until then the
 *   review is blind: a reviewer sees only their own votes, researchers none.
 * - It may be approved once every file has N approvals, no change requested, and no file is blocked
 *   by the automatic checks (a blocked file can never be released).
 */
import type { Verdict } from '../model.js';
import { isBlind, type ReleaseStatus } from './status.js';

export const VOTES = ['approve', 'changes_requested'] as const;
export type VoteKind = (typeof VOTES)[number];

export interface Vote {
  file: string;
  /** The file revision voted on; a replaced file has a new revision and no votes yet. */
  revision: number;
  reviewer: string;
  vote: VoteKind;
  comment: string;
  votedAt: string;
}

export interface VotedFile {
  name: string;
  revision: number;
  /** The automatic checks' verdict; null until the request is submitted. */
  verdict: Verdict | null;
}

export interface Tally {
  approvals: number;
  changesRequested: number;
  /** Distinct reviewers who voted on the current revision. */
  reviewers: number;
}

/** The votes that count for a file: those on its current revision. */
export function currentVotes(file: VotedFile, votes: readonly Vote[]): Vote[] {
  return votes.filter((v) => v.file === file.name && v.revision === file.revision);
}

export function tally(file: VotedFile, votes: readonly Vote[]): Tally {
  const current = currentVotes(file, votes);
  return {
    approvals: new Set(current.filter((v) => v.vote === 'approve').map((v) => v.reviewer)).size,
    changesRequested: current.filter((v) => v.vote === 'changes_requested').length,
    reviewers: new Set(current.map((v) => v.reviewer)).size,
  };
}

/** Every file has votes from `n` different reviewers: the blind phase can end. */
export function isReviewed(files: readonly VotedFile[], votes: readonly Vote[], n: number): boolean {
  return files.length > 0 && files.every((f) => tally(f, votes).reviewers >= n);
}

/**
 * Where the votes take a request that is with the reviewers: on to `reviewed` when every file has
 * enough votes, to `partially_reviewed` from the first vote, else where it is.
 */
export function statusAfterVotes(
  status: ReleaseStatus,
  files: readonly VotedFile[],
  votes: readonly Vote[],
  n: number,
): ReleaseStatus {
  if (status !== 'submitted' && status !== 'partially_reviewed') return status;
  if (isReviewed(files, votes, n)) return 'reviewed';
  const anyVote = files.some((f) => currentVotes(f, votes).length > 0);
  return anyVote ? 'partially_reviewed' : status;
}

/** Why the request may not be approved (yet); empty when it may. */
export function approvalProblems(files: readonly VotedFile[], votes: readonly Vote[], n: number): string[] {
  if (files.length === 0) return ['the request has no files'];
  const problems: string[] = [];
  for (const f of files) {
    const t = tally(f, votes);
    if (f.verdict === 'block')
      problems.push(`${f.name} is blocked by the automatic checks and can never be released`);
    else if (f.verdict === null) problems.push(`${f.name} has not been checked`);
    if (t.changesRequested > 0) problems.push(`${f.name} has changes requested`);
    if (t.approvals < n) problems.push(`${f.name} has ${t.approvals} of the ${n} approvals it needs`);
  }
  return problems;
}

/** Why this vote may not be cast; undefined when it may. */
export function voteProblem(file: VotedFile, vote: VoteKind, comment: string): string | undefined {
  if (vote === 'approve' && file.verdict === 'block') {
    return `${file.name} is blocked by the automatic checks and can never be approved`;
  }
  if (vote === 'changes_requested' && comment.trim() === '') {
    return 'say what should change: a change request needs a comment';
  }
  return undefined;
}

export type Viewer =
  | { kind: 'reviewer'; accountId: string }
  | { kind: 'member'; accountId: string }
  | { kind: 'admin'; accountId: string };

/** A vote as one viewer may see it; researchers are not told which reviewer voted. */
export type VisibleVote = Omit<Vote, 'reviewer'> & { reviewer?: string; mine: boolean };

/**
 * The votes a viewer may see. Blind phase: a reviewer sees their own votes only, so each judges
 * alone. Researchers see the votes (anonymously) once the reviewers are done with the request.
 */
export function visibleVotes(votes: readonly Vote[], viewer: Viewer, status: ReleaseStatus): VisibleVote[] {
  const mine = (v: Vote) => v.reviewer === viewer.accountId;
  const named = (v: Vote): VisibleVote => ({ ...v, mine: mine(v) });
  switch (viewer.kind) {
    case 'admin':
      return votes.map(named);
    case 'reviewer':
      return (isBlind(status) ? votes.filter(mine) : votes).map(named);
    case 'member':
      if (isBlind(status) || status === 'reviewed') return [];
      return votes.map(({ reviewer: _r, ...v }) => ({ ...v, mine: false }));
  }
}
