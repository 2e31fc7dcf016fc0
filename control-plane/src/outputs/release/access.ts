/**
 * Who someone is to a release request. Pure: decided from the principal, the request's author and
 * its project's members alone.
 */
import type { Principal } from '../../auth/principal.js';
import { KlarsynError } from '../../errors.js';
import type { Viewer } from './votes.js';

export interface RequestParties {
  author: string;
  /** The project's members: none of them is independent of the request. */
  members: readonly string[];
  status: string;
}

/**
 * How a caller sees a request, or undefined when they may not see it at all: members of its project
 * (researchers), reviewers independent of it once it left the draft, and admins.
 */
export function viewerOf(principal: Principal, parties: RequestParties): Viewer | undefined {
  const accountId = principal.accountId;
  if (principal.roles.includes('researcher') && parties.members.includes(accountId))
    return { kind: 'member', accountId };
  if (isIndependentReviewer(principal, parties) && parties.status !== 'draft')
    return { kind: 'reviewer', accountId };
  if (principal.roles.includes('admin')) return { kind: 'admin', accountId };
  return undefined;
}

/** A reviewer who is neither the author nor a member of the project (invariant 5). */
export function isIndependentReviewer(principal: Principal, parties: RequestParties): boolean {
  return (
    principal.roles.includes('reviewer') &&
    principal.accountId !== parties.author &&
    !parties.members.includes(principal.accountId)
  );
}

export function assertIndependentReviewer(principal: Principal, parties: RequestParties): void {
  if (!principal.roles.includes('reviewer'))
    throw new KlarsynError('forbidden', 'only output reviewers review release requests');
  if (principal.accountId === parties.author)
    throw new KlarsynError('forbidden', 'you cannot review your own release request');
  if (parties.members.includes(principal.accountId)) {
    throw new KlarsynError(
      'forbidden',
      'you cannot review a release request of a project you are a member of',
    );
  }
}

export function assertAuthor(principal: Principal, parties: Pick<RequestParties, 'author'>): void {
  if (principal.accountId !== parties.author)
    throw new KlarsynError('forbidden', 'only the author of the release request may do this');
}
