import { type Catalog, findVariable } from '../catalog/model.js';
import { KlarsynError } from '../errors.js';

export interface RequestedVariable {
  source: string;
  variable: string;
  justification: string;
  /** Asks for the exact value of a quasi-identifier instead of its generalised form. */
  exact?: boolean;
}

/** Persons with a code (diagnosis, ATC, …) starting with one of the prefixes, optionally within dates. */
export interface CohortCriterion {
  source: string;
  variable: string;
  prefixes: string[];
  from?: string;
  to?: string;
}

export interface Application {
  title: string;
  purpose: string;
  institution: string;
  legalBasis: string;
  period: { from: string; to: string };
  deletionDate: string;
  variables: RequestedVariable[];
  cohort: { match: 'any' | 'all'; criteria: CohortCriterion[] };
}

/**
 * Checks an application against the catalog: every variable and criterion must name a real
 * variable, each once, and the dates must make sense. Pure, so it is tested without a database.
 */
export function checkApplication(app: Application, catalog: Catalog, today: string): void {
  const fail = (message: string, details?: unknown) => {
    throw new KlarsynError('validation_failed', message, { details });
  };
  if (app.period.from > app.period.to) fail('period.from is after period.to');
  if (app.deletionDate <= today) fail('the deletion date must lie in the future');
  if (app.deletionDate < app.period.to) fail('the deletion date must not come before the end of the period');
  const unknown = app.variables.filter((v) => !findVariable(catalog, v.source, v.variable));
  if (unknown.length > 0) {
    fail(`unknown variables: ${unknown.map((v) => `${v.source}.${v.variable}`).join(', ')}`, unknown);
  }
  const seen = new Set<string>();
  for (const v of app.variables) {
    const key = `${v.source}.${v.variable}`;
    if (seen.has(key)) fail(`variable ${key} is requested twice`);
    seen.add(key);
  }
  for (const c of app.cohort.criteria) {
    const variable = findVariable(catalog, c.source, c.variable);
    if (!variable) fail(`cohort criterion names an unknown variable ${c.source}.${c.variable}`);
    if (variable?.type !== 'string')
      fail(`cohort criterion ${c.source}.${c.variable} must be a code (string) variable`);
    if (c.from && c.to && c.from > c.to) fail(`cohort criterion ${c.source}.${c.variable}: from is after to`);
  }
}

/** The authorities whose data an application touches, in variables or cohort: each must approve. */
export function involvedAuthorities(app: Application, catalog: Catalog): string[] {
  const sources = new Set([
    ...app.variables.map((v) => v.source),
    ...app.cohort.criteria.map((c) => c.source),
  ]);
  const authorities = catalog.sources.filter((s) => sources.has(s.id)).map((s) => s.authority);
  return [...new Set(authorities)].sort();
}

export interface AuthorityDecision {
  authority: string;
  decision: 'approved' | 'rejected';
}

/** Where a project stands after a decision: one rejection rejects, all approvals approve. */
export function statusAfterDecisions(
  involved: string[],
  decisions: AuthorityDecision[],
): 'submitted' | 'partially_approved' | 'approved' | 'rejected' {
  if (decisions.some((d) => d.decision === 'rejected')) return 'rejected';
  const approved = new Set(decisions.filter((d) => d.decision === 'approved').map((d) => d.authority));
  if (involved.every((a) => approved.has(a))) return 'approved';
  return approved.size > 0 ? 'partially_approved' : 'submitted';
}
