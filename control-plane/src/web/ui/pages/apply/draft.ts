import type { Application, Source } from '../../api/types.js';
import { type Problems, problem } from '../../components/problem.js';

/** The form's own state: strings as typed, turned into an Application only when saved. */
export interface Draft {
  title: string;
  purpose: string;
  institution: string;
  legalBasis: string;
  periodFrom: string;
  periodTo: string;
  deletionDate: string;
  /** Chosen variables by "source.variable", each with the applicant's justification. */
  variables: Record<string, string>;
  cohortMatch: 'any' | 'all';
  criteria: CriterionDraft[];
}

export interface CriterionDraft {
  source: string;
  variable: string;
  /** As typed: codes separated by commas or spaces. */
  prefixes: string;
  from: string;
  to: string;
}

export const STEPS = ['about', 'period', 'variables', 'cohort', 'review'] as const;
export type Step = (typeof STEPS)[number];

export const emptyCriterion = (): CriterionDraft => ({
  source: '',
  variable: '',
  prefixes: '',
  from: '',
  to: '',
});

export function emptyDraft(): Draft {
  return {
    title: '',
    purpose: '',
    institution: '',
    legalBasis: '',
    periodFrom: '',
    periodTo: '',
    deletionDate: '',
    variables: {},
    cohortMatch: 'any',
    criteria: [emptyCriterion()],
  };
}

export const variableKey = (source: string, variable: string) => `${source}.${variable}`;

export function draftFromApplication(a: Application): Draft {
  return {
    title: a.title,
    purpose: a.purpose,
    institution: a.institution,
    legalBasis: a.legalBasis,
    periodFrom: a.period.from,
    periodTo: a.period.to,
    deletionDate: a.deletionDate,
    variables: Object.fromEntries(
      a.variables.map((v) => [variableKey(v.source, v.variable), v.justification]),
    ),
    cohortMatch: a.cohort.match,
    criteria: a.cohort.criteria.map((c) => ({
      source: c.source,
      variable: c.variable,
      prefixes: c.prefixes.join(', '),
      from: c.from ?? '',
      to: c.to ?? '',
    })),
  };
}

export const splitPrefixes = (typed: string) =>
  typed
    .toUpperCase()
    .split(/[\s,;]+/)
    .filter((p) => p.length > 0);

export function toApplication(d: Draft): Application {
  return {
    title: d.title.trim(),
    purpose: d.purpose.trim(),
    institution: d.institution.trim(),
    legalBasis: d.legalBasis.trim(),
    period: { from: d.periodFrom, to: d.periodTo },
    deletionDate: d.deletionDate,
    variables: Object.entries(d.variables).map(([key, justification]) => {
      const [source, variable] = key.split('.') as [string, string];
      return { source, variable, justification: justification.trim() };
    }),
    cohort: {
      match: d.cohortMatch,
      criteria: d.criteria.map((c) => ({
        source: c.source,
        variable: c.variable,
        prefixes: splitPrefixes(c.prefixes),
        ...(c.from ? { from: c.from } : {}),
        ...(c.to ? { to: c.to } : {}),
      })),
    },
  };
}

const tooShort = (value: string, min: number) => value.trim().length < min;

/**
 * What keeps a step from being complete, in the API's own limits, so people learn it while
 * typing rather than from a refusal at the end. The API checks everything again.
 */
export function problemsOf(step: Step, d: Draft, today: string): Problems {
  const p: Problems = {};
  if (step === 'about') {
    if (tooShort(d.title, 3)) p.title = problem('apply.problem.title');
    if (tooShort(d.purpose, 10)) p.purpose = problem('apply.problem.purpose');
    if (tooShort(d.institution, 2)) p.institution = problem('apply.problem.institution');
    if (tooShort(d.legalBasis, 2)) p.legalBasis = problem('apply.problem.legalBasis');
  }
  if (step === 'period') {
    if (!d.periodFrom) p.periodFrom = problem('apply.problem.date');
    if (!d.periodTo) p.periodTo = problem('apply.problem.date');
    else if (d.periodFrom && d.periodFrom > d.periodTo) p.periodTo = problem('apply.problem.periodOrder');
    if (!d.deletionDate) p.deletionDate = problem('apply.problem.date');
    else if (d.deletionDate <= today) p.deletionDate = problem('apply.problem.deletionFuture');
    else if (d.periodTo && d.deletionDate < d.periodTo)
      p.deletionDate = problem('apply.problem.deletionAfterPeriod');
  }
  if (step === 'variables') {
    const chosen = Object.entries(d.variables);
    if (chosen.length === 0) p['variables-none'] = problem('apply.problem.noVariables');
    for (const [key, justification] of chosen) {
      if (tooShort(justification, 3))
        p[`justification-${key}`] = problem('apply.problem.justification', { variable: key });
    }
  }
  if (step === 'cohort') {
    d.criteria.forEach((c, i) => {
      if (!c.source || !c.variable)
        p[`criterion-${i}-variable`] = problem('apply.problem.criterionVariable', { n: i + 1 });
      const prefixes = splitPrefixes(c.prefixes);
      if (prefixes.length === 0 || prefixes.some((x) => !/^[A-Z0-9]{1,10}$/.test(x))) {
        p[`criterion-${i}-prefixes`] = problem('apply.problem.prefixes', { n: i + 1 });
      }
      if (c.from && c.to && c.from > c.to)
        p[`criterion-${i}-to`] = problem('apply.problem.criterionOrder', { n: i + 1 });
    });
    if (d.criteria.length === 0) p['criteria-none'] = problem('apply.problem.noCriteria');
  }
  return p;
}

/** Variables a cohort can select persons by: codes (strings) such as diagnoses or ATC. */
export const codeVariables = (source: Source | undefined) =>
  source?.variables.filter((v) => v.type === 'string') ?? [];
