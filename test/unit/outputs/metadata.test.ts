import t from 'tap';
import { entryFor, parseOutputsMetadata } from '../../../control-plane/src/outputs/metadata.js';

const ISSUE_EXAMPLE = `
files:
  - path: by_region.csv
    kind: frequency        # frequency | magnitude | regression | histogram | figure | text | code
    dimensions: [region, sex]
    counts: [patients]     # person counts per cell
  - path: ddd_by_region.csv
    kind: magnitude
    dimensions: [region]
    statistics: [ddd_sum, mean_age]
    contributors: patients # persons contributing to each cell
  - path: model.csv
    kind: regression
    residual_df: 1234
`;

t.test("the issue's outputs.yaml parses as written", async (t) => {
  const m = parseOutputsMetadata(ISSUE_EXAMPLE);
  t.equal(m.files.length, 3);
  t.same(entryFor(m, './by_region.csv')?.counts, ['patients']);
  t.equal(entryFor(m, 'ddd_by_region.csv')?.contributors, 'patients');
  t.equal(entryFor(m, 'model.csv')?.residual_df, 1234);
  t.equal(entryFor(m, 'other.csv'), undefined);
});

t.test('invariant 7: a bad outputs.yaml is refused with a reason', async (t) => {
  const cases: [string, string, RegExp][] = [
    [
      'misspelt key',
      'files:\n  - path: a.csv\n    kind: frequency\n    count: [n]\n',
      /unknown key files\.0\.count/,
    ],
    [
      'unknown kind',
      'files:\n  - path: a.csv\n    kind: table\n',
      /files\.0\.kind must be equal to one of the allowed values/,
    ],
    [
      'negative df',
      'files:\n  - path: m.csv\n    kind: regression\n    residual_df: -1\n',
      /residual_df must be >= 0/,
    ],
    ['no files', 'outputs: []\n', /must have required property 'files'/],
    [
      'twice',
      'files:\n  - {path: a.csv, kind: text}\n  - {path: ./a.csv, kind: text}\n',
      /a\.csv is listed twice/,
    ],
    ['not YAML', 'files: [', /not valid YAML/],
  ];
  for (const [what, text, message] of cases) {
    t.throws(() => parseOutputsMetadata(text), { code: 'validation_failed', message }, what);
  }
});

t.test('query: and persons: for query-backed tables, with clear errors', async (t) => {
  const ok = parseOutputsMetadata(
    'files:\n  - {path: t.csv, kind: frequency, counts: [n], query: t.sql, persons: b.pnr}\n',
  );
  t.equal(entryFor(ok, 't.csv')?.query, 't.sql');
  t.equal(entryFor(ok, 't.csv')?.persons, 'b.pnr');
  const bad: [string, RegExp][] = [
    ['files:\n  - {path: t.csv, kind: frequency, query: t.txt}\n', /query must match pattern/],
    ['files:\n  - {path: m.csv, kind: regression, query: m.sql}\n', /backs a table .* not a regression/],
    ['files:\n  - {path: t.json, kind: frequency, query: t.sql}\n', /backs a CSV result/],
    ['files:\n  - {path: t.csv, kind: frequency, query: ../t.sql}\n', /beside outputs\.yaml/],
    ['files:\n  - {path: t.csv, kind: frequency, query: /tmp/t.sql}\n', /beside outputs\.yaml/],
    [
      'files:\n  - {path: t.csv, kind: frequency, persons: pnr}\n',
      /persons: names the person column of a query/,
    ],
  ];
  for (const [yaml, message] of bad) {
    t.throws(() => parseOutputsMetadata(yaml), { code: 'validation_failed', message }, yaml);
  }
});
