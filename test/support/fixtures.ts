import type { Application } from '../../control-plane/src/projects/application.js';

/** A sound application over the synthetic registers: SDS (lmdb, diagnoser) and DST (bef). */
export const sampleApplication: Application = {
  title: 'Antidepressants after diabetes diagnosis',
  purpose: 'Describe redemption of antidepressants among persons with type 2 diabetes by region and sex.',
  institution: 'Aarhus University',
  legalBasis: 'GDPR art. 6(1)(e) and 9(2)(j); Danish Data Protection Act §10',
  period: { from: '2019-01-01', to: '2023-12-31' },
  deletionDate: '2030-12-31',
  variables: [
    { source: 'lmdb', variable: 'pnr', justification: 'link prescriptions to persons' },
    { source: 'lmdb', variable: 'atc', justification: 'drug class' },
    { source: 'bef', variable: 'reg', justification: 'region of residence' },
  ],
  cohort: { match: 'any', criteria: [{ source: 'diagnoser', variable: 'diagnosekode', prefixes: ['DE11'] }] },
};

/**
 * sampleApplication asking for `variables` over 2019–2022, inside the 2018–2023 of the register
 * fixtures so that an extract shows the period's cut: the project of the extract and workspace tests.
 */
export function extractApplication(variables: Application['variables']): Application {
  return {
    ...sampleApplication,
    period: { from: '2019-01-01', to: '2022-12-31' },
    deletionDate: '2031-12-31',
    variables,
  };
}
