/** Output release: requests, automatic checks, independent reviews, release and download. */
export type { PseudonymLoader, WorkspaceExtractVersion } from './checks.js';
export { openReleaseService } from './open-service.js';
export { loadReleasePolicy, type ReleasePolicy } from './policy.js';
export { extractPseudonyms } from './pseudonyms.js';
export { deleteReviewCopies } from './review-copies.js';
export { default as releaseRoutes } from './routes.js';
export { type NewRequest, ReleaseService, type ReleaseServiceOptions } from './service.js';
export { RELEASE_STATUS, type ReleaseStatus, TRANSITIONS } from './status.js';
export {
  type RegisteredRelease,
  type ReleaseFile,
  type ReleaseRequest,
  releasesOfProjects,
} from './store.js';
export type { RequestView } from './view.js';
export { approvalProblems, statusAfterVotes, type Vote, type VoteKind, visibleVotes } from './votes.js';
