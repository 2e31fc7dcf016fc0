import { KlarsynError } from '../../errors.js';

/**
 * Every state a release request can be in. `draft → submitted → partially_reviewed → reviewed →
 * approved → released` is the way out; `returned` sends it back to the researcher with a public
 * comment (then `submitted` again); `rejected`, `withdrawn` and `released` are final.
 */
export const RELEASE_STATUS = [
  'draft',
  'submitted',
  'partially_reviewed',
  'reviewed',
  'approved',
  'released',
  'returned',
  'rejected',
  'withdrawn',
] as const;
export type ReleaseStatus = (typeof RELEASE_STATUS)[number];

/**
 * Who moves a request: its author (the researcher who composed it), an output reviewer who is
 * neither the author nor a member of the project (invariant 5), or the platform itself, which
 * follows the votes.
 */
export type ReleaseActor = 'author' | 'reviewer' | 'system';

/** States in which reviewers vote: the request is with them. */
export const IN_REVIEW = [
  'submitted',
  'partially_reviewed',
  'reviewed',
] as const satisfies readonly ReleaseStatus[];

/** From each state, the states it may move to and who moves it there. Final states have none. */
export const TRANSITIONS: Record<ReleaseStatus, Partial<Record<ReleaseStatus, ReleaseActor>>> = {
  draft: { submitted: 'author', withdrawn: 'author' },
  // Votes move a request on by themselves: the first vote, then enough votes on every file. A
  // resubmitted request may already hold enough votes on its unchanged files.
  submitted: {
    partially_reviewed: 'system',
    reviewed: 'system',
    returned: 'reviewer',
    rejected: 'reviewer',
    withdrawn: 'author',
  },
  partially_reviewed: {
    reviewed: 'system',
    returned: 'reviewer',
    rejected: 'reviewer',
    withdrawn: 'author',
  },
  // The blind phase is over; a reviewer decides: approve (N approvals per file, nothing blocked),
  // send it back, or refuse it.
  reviewed: { approved: 'reviewer', returned: 'reviewer', rejected: 'reviewer', withdrawn: 'author' },
  approved: { released: 'reviewer', withdrawn: 'author' },
  returned: { submitted: 'author', withdrawn: 'author' },
  released: {},
  rejected: {},
  withdrawn: {},
};

const words = (s: ReleaseStatus) => s.replace('_', ' ');

export function assertTransition(from: ReleaseStatus, to: ReleaseStatus, actor: ReleaseActor): void {
  const allowed = TRANSITIONS[from][to];
  if (allowed === undefined) {
    throw new KlarsynError('conflict', `a ${words(from)} release request cannot become ${words(to)}`);
  }
  if (allowed !== actor) {
    throw new KlarsynError(
      'forbidden',
      `only ${describe(allowed)} may move a release request from ${words(from)} to ${words(to)}`,
    );
  }
}

function describe(actor: ReleaseActor): string {
  return { author: 'its author', reviewer: 'an independent output reviewer', system: 'the platform' }[actor];
}

/** While reviewers vote blind, each sees only their own votes (and researchers see none). */
export function isBlind(status: ReleaseStatus): boolean {
  return status === 'submitted' || status === 'partially_reviewed';
}

/** States in which the author may change files and context. */
export function isEditable(status: ReleaseStatus): boolean {
  return status === 'draft' || status === 'returned';
}

/** The workflow as a Mermaid state diagram, generated from the table (for docs and `klarsyn release states`). */
export function stateDiagram(): string {
  const lines = ['stateDiagram-v2', '  [*] --> draft'];
  for (const from of RELEASE_STATUS) {
    const moves = Object.entries(TRANSITIONS[from]) as [ReleaseStatus, ReleaseActor][];
    for (const [to, actor] of moves) lines.push(`  ${from} --> ${to}: ${actor}`);
    if (moves.length === 0) lines.push(`  ${from} --> [*]`);
  }
  return `${lines.join('\n')}\n`;
}
