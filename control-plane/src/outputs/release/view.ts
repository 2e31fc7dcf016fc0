import type { ReleaseRequest } from './store.js';
import { type Viewer, type VisibleVote, visibleVotes } from './votes.js';

/** A release request as one caller may see it (the API's response body). */
export interface RequestView extends Omit<ReleaseRequest, 'votes' | 'metadata'> {
  approvalsPerFile: number;
  /** How the caller sees it: author's project member, independent reviewer, or admin. */
  viewer: Viewer['kind'];
  votes: VisibleVote[];
  metadata: ReleaseRequest['metadata'];
  /** For a reviewer: the files whose current revision still lacks their vote. */
  awaitingMyVote?: string[];
}

export function viewOf(request: ReleaseRequest, viewer: Viewer, approvalsPerFile: number): RequestView {
  const mine = (f: ReleaseRequest['files'][number]) =>
    request.votes.some(
      (v) => v.file === f.name && v.revision === f.revision && v.reviewer === viewer.accountId,
    );
  return {
    ...(viewer.kind === 'reviewer'
      ? { awaitingMyVote: request.files.filter((f) => !mine(f)).map((f) => f.name) }
      : {}),
    ...request,
    approvalsPerFile,
    viewer: viewer.kind,
    votes: visibleVotes(request.votes, viewer, request.status),
  };
}
