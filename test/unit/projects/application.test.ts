import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseCatalogFile } from '../../../control-plane/src/catalog/catalog-file.js';
import {
  type Application,
  checkApplication,
  involvedAuthorities,
  statusAfterDecisions,
} from '../../../control-plane/src/projects/application.js';
import { sampleApplication } from '../../support/fixtures.js';

const catalog = parseCatalogFile(readFileSync('policies/catalog/synthetic-registers.yaml', 'utf8'));
const TODAY = '2026-11-22';

t.test('the synthetic catalog parses', async (t) => {
  t.same(
    catalog.authorities.map((a) => a.code),
    ['SDS', 'DST'],
  );
  t.same(
    catalog.sources.map((s) => s.id),
    ['bef', 'kontakter', 'diagnoser', 'lmdb'],
  );
});

t.test('a sound application passes and involves every authority of its variables and cohort', async (t) => {
  t.doesNotThrow(() => checkApplication(sampleApplication, catalog, TODAY));
  t.same(involvedAuthorities(sampleApplication, catalog), ['DST', 'SDS']);
});

t.test(
  'invariant 3 and 7: unknown variables, bad cohorts and impossible dates are refused with a reason',
  async (t) => {
    const bad = (change: Partial<Application>) => ({ ...sampleApplication, ...change });
    const cases: [string, Application, RegExp][] = [
      [
        'unknown variable',
        bad({ variables: [{ source: 'lmdb', variable: 'secret', justification: 'x' }] }),
        /unknown variables: lmdb\.secret/,
      ],
      [
        'unknown source',
        bad({ variables: [{ source: 'cancer', variable: 'pnr', justification: 'x' }] }),
        /cancer\.pnr/,
      ],
      [
        'variable twice',
        bad({ variables: [sampleApplication.variables[0]!, sampleApplication.variables[0]!] }),
        /twice/,
      ],
      [
        'cohort on unknown variable',
        bad({ cohort: { match: 'any', criteria: [{ source: 'lmdb', variable: 'nope', prefixes: ['N'] }] } }),
        /unknown variable lmdb\.nope/,
      ],
      [
        'cohort on a non-code variable',
        bad({ cohort: { match: 'any', criteria: [{ source: 'lmdb', variable: 'apk', prefixes: ['1'] }] } }),
        /must be a code/,
      ],
      [
        'period backwards',
        bad({ period: { from: '2024-01-01', to: '2020-01-01' } }),
        /period\.from is after/,
      ],
      ['deletion in the past', bad({ deletionDate: '2020-01-01' }), /future/],
      [
        'deletion before period end',
        bad({ period: { from: '2019-01-01', to: '2031-12-31' } }),
        /not come before/,
      ],
    ];
    for (const [name, app, message] of cases)
      t.throws(() => checkApplication(app, catalog, TODAY), { code: 'validation_failed', message }, name);
  },
);

t.test('decisions: one rejection rejects, all approvals approve, some approve partially', async (t) => {
  const involved = ['DST', 'SDS'];
  t.equal(statusAfterDecisions(involved, []), 'submitted');
  t.equal(statusAfterDecisions(involved, [{ authority: 'SDS', decision: 'approved' }]), 'partially_approved');
  t.equal(
    statusAfterDecisions(involved, [
      { authority: 'SDS', decision: 'approved' },
      { authority: 'DST', decision: 'approved' },
    ]),
    'approved',
  );
  t.equal(
    statusAfterDecisions(involved, [
      { authority: 'SDS', decision: 'approved' },
      { authority: 'DST', decision: 'rejected' },
    ]),
    'rejected',
  );
});

t.test('catalog files: broken references and misclassified CPR columns are refused', async (t) => {
  const yaml = (body: string) => `authorities:\n  - { code: SDS, name: S }\nsources:\n${body}`;
  const src = (extra: string, vars = '      - { name: pnr, type: cpr, classification: direct_identifier }') =>
    `  - id: x\n    authority: SDS\n    name: X\n    coverage: { from: '2020-01-01', to: '2021-01-01' }\n    location: registers/x/\n${extra}    variables:\n${vars}\n`;
  t.doesNotThrow(() => parseCatalogFile(yaml(src('    personColumn: pnr\n'))));
  t.throws(
    () =>
      parseCatalogFile(
        yaml(src('    personColumn: pnr\n', '      - { name: pnr, type: cpr, classification: other }')),
      ),
    /must be classified direct_identifier/,
  );
  t.throws(() => parseCatalogFile(yaml(src(''))), /needs a personColumn/);
  t.throws(
    () => parseCatalogFile(yaml(src('    personColumn: pnr\n    link: { source: nowhere, column: pnr }\n'))),
    /unknown source nowhere/,
  );
  t.throws(
    () => parseCatalogFile(yaml(src('    personColumn: pnr\n    bogus: 1\n'))),
    /unknown key sources.0.bogus/,
  );
  t.throws(() => parseCatalogFile('sources: [\n'), /not valid YAML/);
  t.throws(
    () => parseCatalogFile(yaml(src('    personColumn: pnr\n')).replace('SDS, name', 'NOPE, name')),
    /unknown data authority SDS/,
  );
});
