import { KlarsynError } from '../errors.js';

/** Every state an application/project can be in; the transition table below is the whole workflow. */
export const PROJECT_STATUS = [
  'draft',
  'submitted',
  'partially_approved',
  'approved',
  'rejected',
  'withdrawn',
  'expired',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUS)[number];

/** Who may move a project: its applicant, a steward of an involved authority, or the platform itself. */
export type ProjectActor = 'applicant' | 'steward' | 'system';

/** From each state, the states it may move to and who moves it there. Final states have none. */
export const TRANSITIONS: Record<ProjectStatus, Partial<Record<ProjectStatus, ProjectActor>>> = {
  draft: { submitted: 'applicant', withdrawn: 'applicant' },
  submitted: {
    partially_approved: 'steward',
    approved: 'steward',
    rejected: 'steward',
    withdrawn: 'applicant',
  },
  // A change during review restarts it (→ submitted), so no approval covers text it did not see.
  partially_approved: {
    approved: 'steward',
    rejected: 'steward',
    withdrawn: 'applicant',
    submitted: 'applicant',
  },
  // An amendment after approval needs a new approval; the deletion date ends the project.
  approved: { submitted: 'applicant', expired: 'system', withdrawn: 'applicant' },
  rejected: {},
  withdrawn: {},
  expired: {},
};

/** States a project never leaves: its data is deleted and its keys destroyed once it is in one. */
export const FINAL_STATUSES: readonly ProjectStatus[] = PROJECT_STATUS.filter(
  (s) => Object.keys(TRANSITIONS[s]).length === 0,
);

export function assertTransition(from: ProjectStatus, to: ProjectStatus, actor: ProjectActor): void {
  const allowed = TRANSITIONS[from][to];
  if (allowed === undefined) {
    throw new KlarsynError(
      'conflict',
      `a ${from.replace('_', ' ')} project cannot become ${to.replace('_', ' ')}`,
    );
  }
  if (allowed !== actor)
    throw new KlarsynError('forbidden', `only the ${allowed} may move a project from ${from} to ${to}`);
}

/** States in which the project's data may be used (extracts, workspaces). */
export function isActive(status: ProjectStatus, deletionDate: string, today: string): boolean {
  return status === 'approved' && today < deletionDate;
}
