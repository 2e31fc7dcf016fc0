import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseCatalogFile } from '../../../control-plane/src/catalog/catalog-file.js';
import { parseGeneralisationPolicy } from '../../../control-plane/src/extracts/generalisation.js';
import { planExtract } from '../../../control-plane/src/extracts/plan.js';
import { sampleApplication } from '../../support/fixtures.js';

const catalog = parseCatalogFile(readFileSync('policies/catalog/synthetic-registers.yaml', 'utf8'));
const policy = parseGeneralisationPolicy(readFileSync('policies/generalisation/default.yaml', 'utf8'));

t.test(
  'invariant 3: only approved variables are planned; CPRs pseudonymised, quasi-identifiers generalised',
  async (t) => {
    const plan = planExtract(
      {
        ...sampleApplication,
        variables: [
          { source: 'bef', variable: 'pnr', justification: 'x' },
          { source: 'bef', variable: 'mor_id', justification: 'x' },
          { source: 'bef', variable: 'foed_dag', justification: 'x' },
          { source: 'bef', variable: 'kom', justification: 'x' },
          { source: 'bef', variable: 'koen', justification: 'x' },
          { source: 'lmdb', variable: 'eksd', justification: 'x', exact: true },
          { source: 'diagnoser', variable: 'dw_ek_kontakt', justification: 'x' },
        ],
      },
      catalog,
      policy,
    );
    const transforms = Object.fromEntries(
      plan.tables.flatMap((tb) => tb.columns.map((c) => [`${tb.source.id}.${c.variable.name}`, c.transform])),
    );
    t.same(transforms, {
      'bef.pnr': { kind: 'person_pseudonym' },
      'bef.mor_id': { kind: 'person_pseudonym' },
      'bef.foed_dag': { kind: 'generalise', rule: 'year' },
      'bef.kom': { kind: 'generalise', rule: { column: 'reg' } },
      'bef.koen': { kind: 'keep' },
      'lmdb.eksd': { kind: 'keep' },
      'diagnoser.dw_ek_kontakt': { kind: 'record_pseudonym' },
    });
    t.same(
      plan.sources.map((s) => s.id).sort(),
      ['bef', 'diagnoser', 'kontakter', 'lmdb'],
      'linked and cohort sources are read too',
    );
  },
);

t.test('a policy naming a missing column or a date rule on a non-date is refused', async (t) => {
  const bad = parseGeneralisationPolicy('variables:\n  bef.kom: column:nowhere\n');
  t.throws(
    () =>
      planExtract(
        { ...sampleApplication, variables: [{ source: 'bef', variable: 'kom', justification: 'x' }] },
        catalog,
        bad,
      ),
    /missing column nowhere/,
  );
  const wrong = parseGeneralisationPolicy('variables:\n  bef.kom: year\n');
  t.throws(
    () =>
      planExtract(
        { ...sampleApplication, variables: [{ source: 'bef', variable: 'kom', justification: 'x' }] },
        catalog,
        wrong,
      ),
    /applies to dates/,
  );
  t.throws(() => parseGeneralisationPolicy('variables:\n  bef.kom: blur\n'), /generalisation policy/);
});
