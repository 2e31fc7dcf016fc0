import t from 'tap';
import { checkOutputs } from '../../../control-plane/src/outputs/check.js';
import { isCprShaped } from '../../../control-plane/src/outputs/identifiers.js';
import { checkOne, csv, PROFILES, persons, rules } from './support.js';

const people = persons(40);
const pseudonyms = new Set(people.map((p) => p.pseudonym));

t.test('CPR-shaped values need a calendar-valid date in the century the serial gives', async (t) => {
  t.ok(isCprShaped('010190-1234'));
  t.ok(isCprShaped('0101901234'));
  t.ok(isCprShaped('290200-4123'), '29 February 2000: serial 4 and year 00 give 2000, a leap year');
  t.notOk(isCprShaped('290200-1123'), '29 February 1900 did not exist');
  t.notOk(isCprShaped('320190-1234'));
  t.notOk(isCprShaped('011390-1234'));
  t.notOk(isCprShaped('01019-1234'));
});

t.test('pseudonyms: the project list, prefixes of them, and anything shaped like one', async (t) => {
  const p = people[0]!.pseudonym;
  const withList = (text: string) => checkOne('a.txt', text, { context: { pseudonyms } });
  t.same(rules(withList(`see ${p}`)), ['pseudonym']);
  t.match(withList(`see ${p}`).findings[0]?.message, /pseudonyms/);
  t.same(rules(withList(`see ${p.slice(0, 16)}`)), ['pseudonym'], 'a truncated pseudonym');
  t.same(rules(withList(`see ${p.toUpperCase()}`)), ['pseudonym'], 'upper case');
  t.same(rules(checkOne('a.txt', `see ${'ab12'.repeat(8)}`)), ['pseudonym'], 'shape alone, no list');
  t.same(rules(withList(`sha256 ${'ab'.repeat(32)}`)), [], 'a SHA-256 digest is not a pseudonym');
  t.same(rules(withList('deadbeefcafe0000 is not in the list')), []);
});

t.test('identifier-like columns', async (t) => {
  const named = checkOne('a.csv', 'PNR,n\nx,10\n');
  t.equal(named.verdict, 'block', 'a column named like a person identifier');
  const tokens = csv(
    ['code', 'sex', 'n'],
    people.map((p, i) => [`K${p.pseudonym.slice(0, 9)}`, p.sex, 10 + i]),
  );
  t.ok(
    checkOne('a.csv', tokens).findings.some((f) => f.rule === 'identifier-column' && f.severity === 'block'),
  );
  const uncounted = csv(
    ['group', 'age_group', 'sex'],
    people.map((p, i) => [`grp ${i}`, p.ageGroup, p.sex]),
  );
  t.ok(
    checkOne('a.csv', uncounted).findings.some(
      (f) => f.rule === 'identifier-column' && f.severity === 'block',
    ),
  );
  const oneDimension = csv(
    ['atc', 'patients'],
    people.map((_, i) => [`ATC ${i}`, 50 + i]),
  );
  t.equal(
    checkOne('a.csv', oneDimension, {
      yaml: 'files:\n  - {path: a.csv, kind: frequency, dimensions: [atc], counts: [patients]}\n',
    }).verdict,
    'pass',
    'a one-dimensional table is unique per row and still an aggregate',
  );
});

t.test('a row count close to the cohort size is individual-level', async (t) => {
  const text = csv(
    ['age_group', 'sex', 'region'],
    people.map((p) => [p.ageGroup, p.sex, p.region]),
  );
  const report = checkOne('a.csv', text, { context: { cohortSize: 45 } });
  t.ok(report.findings.some((f) => f.rule === 'cohort-size'));
  t.notOk(
    checkOne('a.csv', text, { context: { cohortSize: 5000 } }).findings.some((f) => f.rule === 'cohort-size'),
  );
});

t.test('day-level dates with small counts are blocked; months are not day-level', async (t) => {
  const yaml = 'files:\n  - {path: d.csv, kind: frequency, dimensions: [date], counts: [n]}\n';
  const daily = checkOne('d.csv', 'date,n\n2023-03-01,40\n2023-03-02,7\n01.04.2023,12\n', { yaml });
  t.same(
    daily.findings.find((f) => f.rule === 'day-level-dates')?.cells.map((c) => c.value),
    ['7'],
  );
  t.equal(checkOne('d.csv', 'date,n\n2023-03,7\n2023-04,12\n', { yaml }).verdict, 'pass');
  const wide = checkOne('w.csv', 'region,2023-03-01,2023-03-02\nA,40,3\n', {
    yaml: 'files:\n  - {path: w.csv, kind: frequency, dimensions: [region]}\n',
  });
  t.ok(
    wide.findings.some((f) => f.rule === 'day-level-dates'),
    'one column per day',
  );
  const events = checkOne('e.csv', 'admitted,ward\n2023-03-01,A\n2023-03-04,B\n');
  t.ok(
    events.findings.some((f) => f.rule === 'day-level-dates' && f.severity === 'block'),
    'dates without counts',
  );
});

t.test(
  'file types: images and PDFs need a person; archives, data files and unknown types are blocked',
  async (t) => {
    const bytes = (path: string, b: number[]) => ({ path, bytes: new Uint8Array(b) });
    const report = checkOutputs({
      profile: PROFILES.sds,
      files: [
        bytes('plot.png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]),
        bytes('report.pdf', [...Buffer.from('%PDF-1.7')]),
        bytes('tables.zip', [0x50, 0x4b, 0x03, 0x04]),
        bytes('tables.csv', [0x50, 0x4b, 0x03, 0x04]),
        bytes('cohort.parquet', [...Buffer.from('PAR1')]),
        bytes('data.xlsx', [0x50, 0x4b, 0x03, 0x04]),
        bytes('thing.xyz', [1, 2, 3]),
        bytes('binary.txt', [0x41, 0x00, 0x42]),
      ],
    });
    t.same(
      report.files.map((f) => `${f.path}:${f.verdict}`),
      [
        'plot.png:review',
        'report.pdf:review',
        'tables.zip:block',
        'tables.csv:block',
        'cohort.parquet:block',
        'data.xlsx:block',
        'thing.xyz:block',
        'binary.txt:block',
      ],
    );
    t.equal(report.verdict, 'block');
  },
);
