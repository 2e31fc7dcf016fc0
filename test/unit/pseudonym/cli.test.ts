/** `klarsyn synth` and `klarsyn pseudonymise` as a steward runs them (the built CLI; make test builds it). */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { SecretKey } from '../../../control-plane/src/pseudonym/secret-key.js';
import { deriveSubKey, referencePseudonym } from '../../../control-plane/src/pseudonym/subkeys.js';
import { runCli } from '../../support/cli.js';

// Each case starts the whole CLI; on a busy two-core machine that takes seconds.
t.setTimeout(600_000);

const dir = mkdtempSync(join(tmpdir(), 'klarsyn-cli-pseudonymise-'));
const key = join(dir, 'project.key');
const registers = join(dir, 'synth');

t.test('synth writes labelled registers; exit 2 on a bad option', async (t) => {
  const r = await runCli(['synth', '--persons', '300', '--seed', '5', '--out', registers, '--format', 'csv']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /SYNTHETIC/);
  t.ok(existsSync(join(registers, 'registers', 'bef', 'part-0.csv')));
  t.equal((await runCli(['synth', '--persons', 'many', '--out', registers])).code, 2);
  t.equal((await runCli(['synth', '--persons', '5', '--out', registers, '--format', 'xlsx'])).code, 2);
});

t.test('pseudonymise: key, then a file with every CPR column replaced', async (t) => {
  t.equal((await runCli(['pseudonymise', '--key-file', key, '--generate-key'])).code, 0);
  t.equal(
    (await runCli(['pseudonymise', '--key-file', key, '--generate-key'])).code,
    1,
    'never overwrites a key',
  );
  const input = join(registers, 'registers', 'bef', 'part-0.csv');
  const output = join(dir, 'bef.csv');
  const r = await runCli([
    'pseudonymise',
    '--key-file',
    key,
    '--in',
    input,
    '--out',
    output,
    '--cpr-columns',
    'pnr,mor_id,far_id,aegte_id',
  ]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /distinct CPR numbers/);
  const before = readFileSync(input, 'utf8').trim().split('\n');
  const after = readFileSync(output, 'utf8').trim().split('\n');
  t.equal(after.length, before.length);
  t.notMatch(readFileSync(output, 'utf8'), /\b\d{10}\b/, 'invariant 2: no CPR number left');
  const secret = SecretKey.fromBytes(Buffer.from(readFileSync(key, 'utf8').split('\n')[1] as string, 'hex'));
  t.equal(
    after[1]?.split(',')[0],
    referencePseudonym(deriveSubKey(secret, 'person'), before[1]?.split(',')[0] as string),
  );
});

t.test('pseudonymise: exit 1 with a reason for bad input, 2 for usage', async (t) => {
  const input = join(registers, 'registers', 'bef', 'part-0.csv');
  const missing = await runCli([
    'pseudonymise',
    '--key-file',
    key,
    '--in',
    input,
    '--out',
    join(dir, 'x.csv'),
    '--cpr-columns',
    'cpr',
  ]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /no column cpr/);
  t.notOk(existsSync(join(dir, 'x.csv')));
  t.equal((await runCli(['pseudonymise', '--key-file', key, '--in', input])).code, 2);
});
