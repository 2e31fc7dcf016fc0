import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import t from 'tap';
import { createKeyFile, readKeyFile } from '../../../control-plane/src/pseudonym/key-file.js';
import {
  generateProjectSecret,
  unwrapProjectSecret,
  wrapProjectSecret,
  wrappedKekId,
} from '../../../control-plane/src/pseudonym/key-wrap.js';
import {
  createMasterKeyFile,
  loadMasterKey,
  loadMasterKeyFile,
  masterKeyFromBytes,
} from '../../../control-plane/src/pseudonym/master-key.js';
import { SecretKey } from '../../../control-plane/src/pseudonym/secret-key.js';
import { deriveSubKey, referencePseudonym } from '../../../control-plane/src/pseudonym/subkeys.js';

/** Matches a PseudonymError by its reason (tap's types only know `code`). */
const failure = (reason: string) => ({ reason }) as unknown as Error;

const kek = masterKeyFromBytes(Buffer.alloc(32, 7));
const otherKek = masterKeyFromBytes(Buffer.alloc(32, 8));
const context = { projectId: 'p-1', keyVersion: 1 };

t.test('invariant 2: a project secret round-trips only under its KEK, project and version', async (t) => {
  const secret = generateProjectSecret();
  const wrapped = wrapProjectSecret(kek, secret, context);
  t.equal(wrappedKekId(wrapped), kek.id);
  t.not(wrapped.includes(secret.expose().toString('hex')), true);
  t.same(unwrapProjectSecret(kek, wrapped, context).expose(), secret.expose());
  const reason = (f: () => unknown) => {
    try {
      f();
      return 'no error';
    } catch (e) {
      return (e as { reason?: string }).reason;
    }
  };
  t.equal(
    reason(() => unwrapProjectSecret(otherKek, wrapped, context)),
    'key_unwrap_failed',
    'other KEK',
  );
  t.equal(
    reason(() => unwrapProjectSecret(kek, wrapped, { ...context, projectId: 'p-2' })),
    'key_unwrap_failed',
  );
  t.equal(
    reason(() => unwrapProjectSecret(kek, wrapped, { ...context, keyVersion: 2 })),
    'key_unwrap_failed',
  );
  const parts = wrapped.split('.');
  const sealed = Buffer.from(parts[3] as string, 'base64url');
  sealed[0] = (sealed[0] as number) ^ 1;
  const tampered = [...parts.slice(0, 3), sealed.toString('base64url')].join('.');
  t.equal(
    reason(() => unwrapProjectSecret(kek, tampered, context)),
    'key_unwrap_failed',
    'tampered',
  );
  t.equal(
    reason(() => unwrapProjectSecret(kek, 'garbage', context)),
    'key_unwrap_failed',
  );
  t.not(wrapProjectSecret(kek, secret, context), wrapped, 'a fresh IV each time');
});

t.test('invariant 2: keys never print, whatever a logger does with them', async (t) => {
  const secret = SecretKey.random();
  const hex = secret.expose().toString('hex');
  for (const shown of [JSON.stringify({ secret }), String(secret), inspect({ secret }), `${secret}`]) {
    t.notOk(shown.includes(hex), shown);
    t.match(shown, /redacted/);
  }
  secret.destroy();
  t.same(secret.expose(), Buffer.alloc(32), 'destroy zeroes the key');
});

t.test('HKDF sub-keys differ per purpose and version, and are stable', async (t) => {
  const secret = SecretKey.fromBytes(Buffer.alloc(32, 1));
  const person = deriveSubKey(secret, 'person');
  const contact = deriveSubKey(secret, 'contact');
  const v2 = deriveSubKey(secret, 'person', 'v2');
  const hex = (k: SecretKey) => k.expose().toString('hex');
  t.not(hex(person.key), hex(contact.key));
  t.not(hex(person.key), hex(v2.key));
  t.equal(hex(person.key), hex(deriveSubKey(secret, 'person').key));
  t.equal(Buffer.from(person.tag).toString(), 'klarsyn:person:v1:');
  t.ok(person.cpr);
  t.notOk(contact.cpr);
  t.not(referencePseudonym(person, '0707614285'), referencePseudonym(contact, '0707614285'));
});

t.test('the master KEK comes from the environment or a file, and fails closed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-kek-'));
  const hex = Buffer.alloc(32, 7).toString('hex');
  t.equal((await loadMasterKey({ KLARSYN_MASTER_KEY: hex })).id, kek.id);
  t.equal((await loadMasterKey({ KLARSYN_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') })).id, kek.id);
  const file = join(dir, 'kek');
  writeFileSync(file, `${hex}\n`);
  t.equal((await loadMasterKey({ KLARSYN_MASTER_KEY_FILE: file })).id, kek.id);
  await t.rejects(loadMasterKey({}), failure('master_key_missing'));
  await t.rejects(loadMasterKey({ KLARSYN_MASTER_KEY: 'short' }), failure('master_key_malformed'));
  await t.rejects(
    loadMasterKey({ KLARSYN_MASTER_KEY_FILE: join(dir, 'none') }),
    failure('master_key_missing'),
  );
  const created = await createMasterKeyFile(join(dir, 'new'));
  t.equal((await loadMasterKeyFile(join(dir, 'new'))).id, created.id);
  await t.rejects(createMasterKeyFile(join(dir, 'new')), 'never overwrites');
});

t.test('key files: owner-only, hex, comments allowed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-keyfile-'));
  const file = join(dir, 'project.key');
  await createKeyFile(file);
  const key = await readKeyFile(file);
  t.equal(key.expose().length, 32);
  await t.rejects(createKeyFile(file), failure('key_file_invalid'));
  const open = join(dir, 'open.key');
  writeFileSync(open, Buffer.alloc(32, 1).toString('hex'));
  chmodSync(open, 0o644);
  await t.rejects(readKeyFile(open), failure('key_file_invalid'));
  const bad = join(dir, 'bad.key');
  writeFileSync(bad, 'not a key', { mode: 0o600 });
  await t.rejects(readKeyFile(bad), failure('key_file_invalid'));
});
