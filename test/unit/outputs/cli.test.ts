/** `klarsyn outputs check` and `protect` as a researcher runs them (the built CLI; make test builds it). */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from '../../support/cli.js';
import { persons } from './support.js';

const BENIGN = 'test/fixtures/outputs/benign';

// Each case starts the whole CLI; on a busy two-core machine that takes seconds.
t.setTimeout(600_000);

function request(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-outputs-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const YAML = 'files:\n  - {path: t.csv, kind: frequency, dimensions: [region], counts: [n]}\n';

t.test('exit 0 and every file listed when all pass', async (t) => {
  const r = await runCli(['outputs', 'check', BENIGN]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /PASS +test\/fixtures\/outputs\/benign\/model\.csv/);
  t.match(r.stdout, /verdict: pass/);
});

t.test(
  '--json prints exactly {verdict, files: [{path, verdict, findings: [{rule, severity, message, cells}]}]}',
  async (t) => {
    const dir = request({ 'outputs.yaml': YAML, 't.csv': 'region,n\nA,4\nB,40\n' });
    const r = await runCli(['outputs', 'check', '--json', dir]);
    t.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    t.same(Object.keys(report), ['verdict', 'files']);
    t.equal(report.verdict, 'block');
    t.same(Object.keys(report.files[0]), ['path', 'verdict', 'findings']);
    t.equal(report.files[0].path, `${dir}/t.csv`);
    t.same(Object.keys(report.files[0].findings[0]), ['rule', 'severity', 'message', 'cells']);
    t.same(report.files[0].findings[0].cells, [{ row: 1, column: 'n', value: '4' }]);
    t.match(r.stderr, /blocked: 1 of 1 files/);
  },
);

t.test('exit 3 when the worst verdict is review', async (t) => {
  const dir = request({ 'undeclared.csv': 'region,n\nA,40\nB,50\n', 'plot.png': '\x89PNG\r\n' });
  const r = await runCli(['outputs', 'check', dir]);
  t.equal(r.code, 3, r.stderr);
  t.match(r.stdout, /REVIEW +\S+undeclared\.csv/);
  t.match(r.stdout, /verdict: review/);
});

t.test('--profile by name or file changes the thresholds', async (t) => {
  const dir = request({ 'outputs.yaml': YAML, 't.csv': 'region,n\nA,4\nB,40\n' });
  t.equal((await runCli(['outputs', 'check', '--profile', 'dst', dir])).code, 0);
  t.equal((await runCli(['outputs', 'check', '--profile', 'policies/output/acro.yaml', dir])).code, 1);
  t.equal((await runCli(['outputs', 'check', '--profile', 'dst,sds', dir])).code, 1, 'the strictest of both');
});

t.test('--pseudonyms and --released feed the identifier and differencing rules', async (t) => {
  const people = persons(3);
  const list = request({ 'pseudonyms.txt': `# project P-1\n${people.map((p) => p.pseudonym).join('\n')}\n` });
  const dir = request({ 'notes.md': `first row was ${people[1]?.pseudonym.slice(0, 14)}\n` });
  const clean = await runCli(['outputs', 'check', dir]);
  t.equal(clean.code, 0, 'a short hex prefix alone is not a finding');
  const withList = await runCli(['outputs', 'check', '--pseudonyms', join(list, 'pseudonyms.txt'), dir]);
  t.equal(withList.code, 1);
  t.match(withList.stdout, /beginning of one of the project's pseudonyms/);

  const released = request({ 'outputs.yaml': YAML, 't.csv': 'region,n\nA,40\nB,50\n' });
  const later = request({ 'outputs.yaml': YAML, 't.csv': 'region,n\nA,41\nB,50\n' });
  t.equal((await runCli(['outputs', 'check', later])).code, 0);
  const r = await runCli(['outputs', 'check', '--released', released, later]);
  t.equal(r.code, 1);
  t.match(r.stdout, /differencing/);
});

t.test('invariant 7: usage errors exit 2 with a reason, never 1', async (t) => {
  const bad = request({ 'outputs.yaml': 'files:\n  - {path: t.csv, kind: table}\n', 't.csv': 'a\n1\n' });
  const badList = request({ 'p.txt': 'not-a-pseudonym\n' });
  const cases: [string[], RegExp][] = [
    [['outputs', 'check'], /missing required argument/],
    [['outputs', 'check', '/no/such/dir'], /no such file or directory/],
    [['outputs', 'check', '--profile', 'nope', BENIGN], /unknown output profile nope/],
    [['outputs', 'check', bad], /kind must be equal to one of the allowed values/],
    [['outputs', 'check', '--pseudonyms', join(badList, 'p.txt'), BENIGN], /32 lowercase hex/],
    [['outputs', 'check', '--cohort-size', 'many', BENIGN], /whole number/],
    [['outputs', 'protect', BENIGN], /not one file/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args)));
  cases.forEach(([args, message], i) => {
    t.equal(results[i]?.code, 2, args.join(' '));
    t.match(results[i]?.stderr, message);
  });
});

t.test('protect writes a table that then passes the check', async (t) => {
  const table =
    'region,sex,n\nA,F,3\nA,M,21\nA,Total,24\nB,F,30\nB,M,40\nB,Total,70\nTotal,F,33\nTotal,M,61\nTotal,Total,94\n';
  const yaml = 'files:\n  - {path: t.csv, kind: frequency, dimensions: [region, sex], counts: [n]}\n';
  const dir = request({ 'outputs.yaml': yaml, 't.csv': table });
  t.equal((await runCli(['outputs', 'check', dir])).code, 1);
  const out = request({ 'outputs.yaml': yaml });
  const r = await runCli(['outputs', 'protect', join(dir, 't.csv'), '-o', join(out, 't.csv')]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, /1 cells suppressed, \d+ more to protect totals/);
  t.match(readFileSync(join(out, 't.csv'), 'utf8'), /A,F,\[suppressed\]/);
  t.equal((await runCli(['outputs', 'check', out])).code, 0);
  const stdout = await runCli(['outputs', 'protect', '--profile', 'opensafely', join(dir, 't.csv')]);
  t.match(stdout.stdout, /^region,sex,n\n/);
});
