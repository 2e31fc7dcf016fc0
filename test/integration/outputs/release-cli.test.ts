// `klarsyn release …` against a listening control plane: a researcher composes and submits, two
// reviewers vote, one approves and publishes, the researcher downloads (hash verified).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { login } from '../../support/app.js';
import { BENIGN_FILES, releaseBed } from './support.js';

t.setTimeout(600_000);
const ENTRY = 'test/integration/outputs/cli-entry.ts';
const TABLE = 'patients_by_region_sex_2023.csv';

function cli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

t.test('the whole workflow from the command line; exit codes 0, 1 and 2', async (t) => {
  const bed = await releaseBed(t);
  const url = await bed.app.listen({ host: '127.0.0.1', port: 0 });
  const as = async (user: string) => ({ KLARSYN_URL: url, KLARSYN_TOKEN: await login(bed.app, user) });
  const anna = await as('anna');
  await bed.put(BENIGN_FILES);

  const created = await cli(
    [
      'release',
      'create',
      '--project',
      bed.projectId,
      '--workspace',
      bed.workspaceId,
      '--context',
      'Persons by region',
      '--submit',
      TABLE,
    ],
    anna,
  );
  t.equal(created.code, 0, created.err);
  const id = /release request ([0-9a-f-]{36}) \(submitted\)/.exec(created.out)?.[1] as string;
  t.ok(id, created.out);
  t.match(created.out, /submitted/);
  t.match(created.out, new RegExp(`${TABLE}\\s+1\\s+\\d+\\s+pass`), 'the table shows the checks');

  const rev1 = await as('rev1');
  t.match((await cli(['release', 'queue'], rev1)).out, new RegExp(`${id}\\s+submitted`));
  const refused = await cli(['release', 'vote', id, TABLE, 'changes_requested'], rev1);
  t.equal(refused.code, 1, 'the server refuses a change request without a comment');
  t.match(refused.err, /^klarsyn: 400: .*comment/m);
  t.equal(
    (await cli(['release', 'vote', id, TABLE, 'maybe'], rev1)).code,
    2,
    'an unknown vote is a usage error',
  );
  t.equal((await cli(['release', 'vote', id, TABLE, 'approve'], rev1)).code, 0);
  const author = await cli(['release', 'vote', id, TABLE, 'approve'], anna);
  t.equal(author.code, 1, 'invariant 5: the author cannot vote');
  t.match(author.err, /403/);
  t.match(
    (await cli(['release', 'vote', id, TABLE, 'approve'], await as('rev2'))).out,
    /the request is reviewed/,
  );
  t.match((await cli(['release', 'approve', id], rev1)).out, /is approved/);
  const published = await cli(['release', 'publish', id], rev1);
  t.equal(published.code, 0, published.err);
  t.match(published.out, /is released/);

  const out = mkdtempSync(join(tmpdir(), 'klarsyn-release-cli-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const downloaded = await cli(['release', 'download', id, '--out', out], anna);
  t.equal(downloaded.code, 0, downloaded.err);
  t.match(downloaded.out, /\(verified\)/);
  t.equal(readFileSync(join(out, TABLE), 'utf8'), BENIGN_FILES[TABLE]);
  t.match(
    (await cli(['release', 'list', '--project', bed.projectId], anna)).out,
    new RegExp(`${id}\\s+released`),
  );

  t.equal((await cli(['release', 'queue'], { KLARSYN_URL: url })).code, 2, 'no token: usage error');
  t.equal((await cli(['release', 'queue'], { KLARSYN_TOKEN: 'x' })).code, 2, 'no server: usage error');
  const unreachable = await cli(['release', 'queue', '--url', 'http://127.0.0.1:1'], { KLARSYN_TOKEN: 'x' });
  t.equal(unreachable.code, 1);
  t.match(unreachable.err, /cannot reach/);
  t.match((await cli(['release', '--help'], {})).out, /compose, submit, review, release and download/);
});
