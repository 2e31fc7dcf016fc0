import type { Principal, Project } from '../../api/types.js';

/** The authorities, among the steward's own, that still have to decide on the project's current revision. */
export function awaitingFrom(project: Project, principal: Principal): string[] {
  if (project.status !== 'submitted' && project.status !== 'partially_approved') return [];
  return project.authorities.filter(
    (a) => principal.authorities.includes(a) && !project.decisions.some((d) => d.authority === a),
  );
}
