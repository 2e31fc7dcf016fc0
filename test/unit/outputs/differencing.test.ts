import t from 'tap';
import { check, file, frequency, PROFILES } from './support.js';

const YAML = frequency('by_region.csv', ['region', 'sex'], ['patients']);
const EARLIER = 'region,sex,patients\nA,F,120\nA,M,98\nB,F,45\nB,M,51\n';

t.test('a table that differs from an earlier release by one person is blocked', async (t) => {
  const later = 'region,sex,patients\nA,F,120\nA,M,98\nB,F,46\nB,M,51\n';
  const report = check([file('by_region.csv', later)], {
    yaml: YAML,
    context: { released: [{ ...file('2024/by_region.csv', EARLIER) }] },
  }).files[0]!;
  t.equal(report.verdict, 'block');
  const found = report.findings.find((f) => f.rule === 'differencing');
  t.same(found?.cells, [{ row: 3, column: 'patients', value: '46' }]);
  t.match(found?.message, /earlier release 2024\/by_region\.csv/);
});

t.test('the same table released again, or with unrelated changes, passes', async (t) => {
  const released = [file('old.csv', EARLIER)];
  t.equal(check([file('by_region.csv', EARLIER)], { yaml: YAML, context: { released } }).verdict, 'pass');
  // Another year: some cells up, some down, so neither population contains the other.
  const otherYear = 'region,sex,patients\nA,F,118\nA,M,101\nB,F,44\nB,M,55\n';
  t.equal(check([file('by_region.csv', otherYear)], { yaml: YAML, context: { released } }).verdict, 'pass');
  // A large nested difference reveals no small group.
  const grown = 'region,sex,patients\nA,F,160\nA,M,140\nB,F,90\nB,M,80\n';
  t.equal(check([file('by_region.csv', grown)], { yaml: YAML, context: { released } }).verdict, 'pass');
});

t.test('two tables of one request over the same dimensions are compared with each other', async (t) => {
  const yaml = `${YAML}${frequency('adults.csv', ['sex', 'region'], ['patients']).replace('files:\n', '')}`;
  const adults = 'sex,region,patients\nF,A,118\nM,A,98\nF,B,45\nM,B,51\n';
  const report = check([file('by_region.csv', EARLIER), file('adults.csv', adults)], { yaml });
  t.equal(report.verdict, 'block');
  t.same(
    report.files.map((f) => f.findings.map((x) => x.rule)),
    [['differencing'], ['differencing']],
  );
});

t.test('with rounded counts, a difference within the rounding base is noise', async (t) => {
  const earlier = 'region,sex,patients\nA,F,120\nA,M,100\n';
  const later = 'region,sex,patients\nA,F,125\nA,M,100\n';
  const report = check([file('by_region.csv', later)], {
    yaml: YAML,
    profile: PROFILES.opensafely,
    context: { released: [file('old.csv', earlier)] },
  });
  t.equal(report.verdict, 'pass');
});
