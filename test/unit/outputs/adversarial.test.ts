/**
 * Individual rows disguised as aggregates, each as a researcher might try it. The context is what the
 * release workflow passes: the project's pseudonyms and its cohort size. Every one must be blocked.
 */
import t, { type Test } from 'tap';
import { readLocalRequest } from '../../../control-plane/src/outputs/local-files.js';
import type { CheckContext, FileReport } from '../../../control-plane/src/outputs/model.js';
import { check, checkOne, csv, file, frequency, PROFILES, persons, pseudonymOf } from './support.js';

const cohort = persons(200);
const context: CheckContext = {
  pseudonyms: new Set(cohort.map((p) => p.pseudonym)),
  cohortSize: cohort.length,
};

const blockedBy = (t: Test, report: FileReport, rule: string) => {
  t.equal(report.verdict, 'block', `${report.path} is blocked`);
  t.ok(
    report.findings.some((f) => f.rule === rule && f.severity === 'block'),
    `by ${rule} (found: ${report.findings.map((f) => f.rule).join(', ')})`,
  );
};

t.test('invariant 1: a pseudonym column renamed and declared a dimension is blocked', async (t) => {
  const text = csv(
    ['group_key', 'age_group', 'sex'],
    cohort.map((p) => [p.pseudonym, p.ageGroup, p.sex]),
  );
  const yaml = frequency('t.csv', ['group_key', 'age_group', 'sex'], []);
  blockedBy(t, checkOne('t.csv', text, { yaml, context }), 'pseudonym');
  blockedBy(t, checkOne('t.csv', text, { yaml }), 'pseudonym'); // by shape, without the project's list
  const report = checkOne('t.csv', text, { yaml, context });
  t.same(report.findings.find((f) => f.rule === 'pseudonym')?.cells[0], {
    row: 1,
    column: 'group_key',
    value: cohort[0]?.pseudonym,
  });
});

t.test('invariant 1: CPR numbers in a column called id are blocked', async (t) => {
  const text = csv(
    ['id', 'n'],
    cohort.slice(0, 3).map((p) => [`${p.cpr.slice(0, 6)}-${p.cpr.slice(6)}`, 10]),
  );
  blockedBy(t, checkOne('t.csv', text), 'cpr-number');
});

t.test('invariant 1: a counts column of ones is blocked', async (t) => {
  const text = csv(
    ['region', 'sex', 'age_group', 'birth_year', 'n'],
    cohort.map((p) => [p.region, p.sex, p.ageGroup, p.birthDate.slice(0, 4), 1]),
  );
  const report = checkOne('t.csv', text, {
    yaml: frequency('t.csv', ['region', 'sex', 'age_group', 'birth_year'], ['n']),
    context,
  });
  blockedBy(t, report, 'individual-rows');
  blockedBy(t, report, 'small-counts');
});

t.test("invariant 1: a 'group' column that is unique per row is blocked", async (t) => {
  const rows = cohort.map((p, i) => [`g${i}`, p.ageGroup, p.sex, p.region]);
  const yaml = frequency('t.csv', ['group', 'age_group', 'sex', 'region'], []);
  blockedBy(
    t,
    checkOne('t.csv', csv(['group', 'age_group', 'sex', 'region'], rows), { yaml }),
    'identifier-column',
  );
  const withOnes = csv(
    ['group', 'age_group', 'sex', 'region', 'n'],
    rows.map((r) => [...r, 1]),
  );
  blockedBy(
    t,
    checkOne('t.csv', withOnes, { yaml: frequency('t.csv', ['group', 'age_group', 'sex', 'region'], ['n']) }),
    'small-counts',
  );
});

t.test('invariant 1: transposed rows (one person per column) are blocked', async (t) => {
  const people = cohort.slice(0, 60);
  const fields = (header: string[]) =>
    csv(header, [
      ['sex', ...people.map((p) => p.sex)],
      ['age_group', ...people.map((p) => p.ageGroup)],
      ['region', ...people.map((p) => p.region)],
      ['first_redemption', ...people.map((p) => p.firstRedemption)],
    ]);
  blockedBy(
    t,
    checkOne('t.csv', fields(['field', ...people.map((p) => p.pseudonym)]), { context }),
    'pseudonym',
  );
  const renamed = checkOne('t.csv', fields(['field', ...people.map((_, i) => `person_${i + 1}`)]));
  blockedBy(t, renamed, 'identifier-column');
  t.match(renamed.findings.find((f) => f.rule === 'identifier-column')?.message, /column by column/);
});

t.test('invariant 1: rows split across files are blocked', async (t) => {
  const parts = [0, 1, 2, 3].map((k) =>
    file(
      `part${k}.csv`,
      csv(
        ['age_group', 'sex', 'region'],
        cohort.slice(k * 50, k * 50 + 50).map((p) => [p.ageGroup, p.sex, p.region]),
      ),
    ),
  );
  const report = check(parts, { context });
  for (const f of report.files) blockedBy(t, f, 'split-rows');
  t.match(
    report.files[0]?.findings.find((f) => f.rule === 'split-rows')?.message,
    /part1\.csv, part2\.csv, part3\.csv/,
  );
  const keyed = [0, 1].map((k) =>
    file(
      `half${k}.csv`,
      csv(
        ['k', 'sex'],
        cohort.slice(k * 100, k * 100 + 100).map((p) => [p.pseudonym, p.sex]),
      ),
    ),
  );
  for (const f of check(keyed, { context }).files) blockedBy(t, f, 'pseudonym');
});

t.test('invariant 1: JSON dumps are blocked', async (t) => {
  const people = cohort.slice(0, 50);
  const records = JSON.stringify(people.map((p) => ({ k: p.pseudonym, sex: p.sex, region: p.region })));
  blockedBy(t, checkOne('dump.json', records, { context }), 'pseudonym');
  // No identifiers at all: birth dates, one record per person, in pandas' "split" and "index" orients.
  const split = JSON.stringify({
    columns: ['birth_date', 'sex', 'region'],
    index: people.map((_, i) => i),
    data: people.map((p) => [p.birthDate, p.sex, p.region]),
  });
  blockedBy(t, checkOne('dump.json', split), 'day-level-dates');
  const index = JSON.stringify(
    Object.fromEntries(people.map((p, i) => [i, { born: p.birthDate, sex: p.sex }])),
  );
  blockedBy(t, checkOne('dump.json', index), 'day-level-dates');
  const lines = people
    .map((p) => JSON.stringify({ sex: p.sex, region: p.region, age: p.ageGroup }))
    .join('\n');
  blockedBy(t, checkOne('dump.jsonl', lines, { context: { cohortSize: 55 } }), 'cohort-size');
});

t.test('invariant 1: HTML dumps are blocked', async (t) => {
  const people = cohort.slice(0, 30);
  const html = (cells: (p: (typeof people)[number]) => string[], header: string[]) =>
    `<table class="dataframe"><thead><tr><th></th>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${people
      .map(
        (p, i) =>
          `<tr><th>${i}</th>${cells(p)
            .map((c) => `<td>${c}</td>`)
            .join('')}</tr>`,
      )
      .join('\n')}</tbody></table>`;
  blockedBy(
    t,
    checkOne(
      'dump.html',
      html((p) => [p.cpr, p.sex], ['id', 'sex']),
    ),
    'cpr-number',
  );
  // Pseudonyms hidden behind character references still come out of the table cells.
  const encoded = html(
    (p) => [[...p.pseudonym].map((c) => `&#${c.charCodeAt(0)};`).join(''), p.sex],
    ['k', 'sex'],
  );
  blockedBy(t, checkOne('dump.html', encoded, { context }), 'pseudonym');
  blockedBy(
    t,
    checkOne(
      'dump.html',
      html((p) => [p.firstRedemption, p.sex], ['date', 'sex']),
    ),
    'day-level-dates',
  );
});

t.test('invariant 1: text dumps and notebook outputs are blocked', async (t) => {
  const printed = cohort
    .map((p, i) => `${String(i).padStart(4)}  ${p.pseudonym}  ${p.sex}  ${p.region}`)
    .join('\n');
  blockedBy(t, checkOne('log.txt', printed, { context }), 'pseudonym');
  const plain = cohort
    .map((p, i) => `${String(i).padStart(4)}  ${p.sex}  ${p.region}  ${p.ageGroup}`)
    .join('\n');
  blockedBy(t, checkOne('log.txt', plain, { context }), 'cohort-size');
  const notebook = JSON.stringify({
    cells: [
      {
        cell_type: 'code',
        source: ['df.head()'],
        outputs: [
          {
            data: {
              'text/html': [`<table><tr><th>k</th></tr><tr><td>${cohort[3]?.pseudonym}</td></tr></table>`],
            },
          },
        ],
      },
    ],
  });
  blockedBy(t, checkOne('analysis.ipynb', notebook, { context }), 'pseudonym');
  const code = `# check\npatient = "${cohort[7]?.cpr}"\n`;
  blockedBy(t, checkOne('analysis.py', code), 'cpr-number');
});

t.test('invariant 1: a table that differs from an earlier release by one person is blocked', async (t) => {
  const count = (leaveOut: number) => {
    const cells = new Map<string, number>();
    for (const p of cohort.slice(leaveOut)) {
      const key = `${p.region},${p.sex}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
    return `region,sex,patients\n${[...cells].map(([k, n]) => `${k},${n}`).join('\n')}\n`;
  };
  const yaml = frequency('by_region_sex.csv', ['region', 'sex'], ['patients']);
  const earlier = { ...file('by_region_sex.csv', count(0)) };
  t.equal(check([file('by_region_sex.csv', count(0))], { yaml, context }).verdict, 'pass', 'alone it passes');
  const report = check([file('by_region_sex.csv', count(1))], {
    yaml,
    context: { ...context, released: [earlier] },
  });
  blockedBy(t, report.files[0]!, 'differencing');
});

t.test(
  'invariant 1 holds without blocking science: a realistic benign table set passes under sds',
  async (t) => {
    const request = readLocalRequest(['test/fixtures/outputs/benign']);
    const report = check(request.files, {
      metadata: request.metadata,
      profile: PROFILES.sds,
      context: { cohortSize: 480_000, pseudonyms: new Set([pseudonymOf('0101901234')]) },
    });
    t.same(
      Object.fromEntries(
        report.files.map((f) => [f.path.replace('test/fixtures/outputs/benign/', ''), f.verdict]),
      ),
      {
        'README.md': 'pass',
        'analysis.py': 'pass',
        'ddd_per_1000_by_year_region_atc.csv': 'pass',
        'model.csv': 'pass',
        'patients_by_region_sex_2023.csv': 'pass',
        'patients_by_year_region_atc_age_sex.csv': 'pass',
      },
    );
    t.equal(report.verdict, 'pass');
  },
);
