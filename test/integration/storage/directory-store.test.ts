// The embedded driver against a real directory: the shared contract, then what only a file tree
// can get wrong — symlinks and FIFOs planted by a sandboxed workspace, keys that are also
// directories, crash leftovers, file permissions.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { loadConfig } from '../../../control-plane/src/config/load.js';
import { DirectoryStore } from '../../../control-plane/src/storage/directory-store.js';
import { extractsPrefix, outboxPrefix } from '../../../control-plane/src/storage/layout.js';
import { openStorage } from '../../../control-plane/src/storage/open-store.js';
import { codeOf, keysOf, objectStoreContract, textOf } from '../../support/object-store-contract.js';

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'klarsyn-objects-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function openStore(t: Test): Promise<DirectoryStore> {
  return DirectoryStore.open(join(await tempDir(t), 'objects'));
}

t.test('contract', async (t) => {
  objectStoreContract(t, openStore);
});

t.test(
  'invariant 6: links planted in a workspace outbox cannot make the store read or write elsewhere',
  async (t) => {
    const base = await tempDir(t);
    const store = await DirectoryStore.open(join(base, 'objects'));
    const outside = join(base, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'outside the store');
    await store.put(`${extractsPrefix('p2')}v1/bef.parquet`, Buffer.from('project 2 rows'));

    // What a researcher in the local sandbox can do to the outbox it has bind-mounted writable.
    const outbox = outboxPrefix('p1', 'ws1');
    await store.put(`${outbox}table1.csv`, Buffer.from('n\n12\n'));
    const dir = store.hostPath(outbox);
    await symlink(join(outside, 'secret.txt'), join(dir, 'secret-file'));
    await symlink(outside, join(dir, 'outside-dir'));
    await symlink(store.hostPath(extractsPrefix('p2')), join(dir, 'p2-extracts'));
    await symlink('../../../../p2/extracts/v1/bef.parquet', join(dir, 'relative-link'));
    execFileSync('mkfifo', [join(dir, 'pipe')]);

    for (const name of [
      'secret-file',
      'outside-dir/secret.txt',
      'p2-extracts/v1/bef.parquet',
      'relative-link',
      'pipe',
    ]) {
      t.equal(await codeOf(() => store.get(`${outbox}${name}`)), 'not_found', `get ${name}`);
      t.equal(await codeOf(() => store.stat(`${outbox}${name}`)), 'not_found', `stat ${name}`);
    }
    t.same(await keysOf(store, outbox), [`${outbox}table1.csv`], 'list shows the regular file only');
    t.same(await keysOf(store, `${outbox}outside-dir/`), [], 'list does not follow a linked directory');

    t.equal(await codeOf(() => store.put(`${outbox}outside-dir/planted.txt`, Buffer.from('x'))), 'forbidden');
    t.equal(
      await codeOf(() => store.put(`${outbox}outside-dir/deeper/planted.txt`, Buffer.from('x'))),
      'forbidden',
    );
    t.notOk(existsSync(join(outside, 'planted.txt')), 'nothing written through the link');
    t.notOk(existsSync(join(outside, 'deeper')), 'no directory created through the link');

    await store.delete(`${outbox}outside-dir/secret.txt`);
    t.equal(await store.deletePrefix(`${outbox}outside-dir/`), 0);
    t.equal(await store.deletePrefix(`${outbox}p2-extracts/`), 0);
    t.equal(
      await readFile(join(outside, 'secret.txt'), 'utf8'),
      'outside the store',
      'link targets survive deletes',
    );

    t.equal(await store.deletePrefix(outbox), 1, 'deleting the outbox counts its one object');
    t.equal(
      await readFile(join(outside, 'secret.txt'), 'utf8'),
      'outside the store',
      'and removes links, not targets',
    );
    t.equal(await textOf(store, `${extractsPrefix('p2')}v1/bef.parquet`), 'project 2 rows');
  },
);

t.test('a key cannot also be a prefix on disk: conflict, nothing lost (invariant 7)', async (t) => {
  const store = await openStore(t);
  await store.put('a', Buffer.from('object a'));
  await store.put('c/d', Buffer.from('object c/d'));
  t.equal(await codeOf(() => store.put('a/b', Buffer.from('x'))), 'conflict');
  t.equal(await codeOf(() => store.put('c', Buffer.from('x'))), 'conflict');
  t.same(await keysOf(store), ['a', 'c/d']);
  t.equal(await textOf(store, 'a'), 'object a');
});

t.test('objects are private to the service account: files 0600, directories 0700', async (t) => {
  const store = await openStore(t);
  await store.put('projects/p1/extracts/v1/bef.parquet', Buffer.from('rows'));
  const file = await stat(join(store.hostPath('projects/p1/extracts/v1/'), 'bef.parquet'));
  t.equal(file.mode & 0o777, 0o600);
  t.equal((await stat(store.hostPath('projects/p1/'))).mode & 0o777, 0o700);
  t.equal((await stat(store.root)).mode & 0o777, 0o700);
});

t.test('leftovers of crashed writes are swept at open once stale; recent ones may be in use', async (t) => {
  const root = join(await tempDir(t), 'objects');
  const store = await DirectoryStore.open(root);
  const work = join(store.root, '.klarsyn-tmp');
  await writeFile(join(work, 'stale-put'), 'half an object');
  await mkdir(join(work, 'trash-stale'));
  await writeFile(join(work, 'recent-put'), 'being written by another process');
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
  await utimes(join(work, 'stale-put'), twoDaysAgo, twoDaysAgo);
  await utimes(join(work, 'trash-stale'), twoDaysAgo, twoDaysAgo);
  await DirectoryStore.open(root);
  t.same(await readdir(work), ['recent-put']);
  t.same(await keysOf(store), [], 'the work directory is never listed');
});

t.test('hostPath: the directory behind a prefix, for the local sandbox bind mounts', async (t) => {
  const store = await openStore(t);
  await store.put('projects/p1/extracts/v1/bef.parquet', Buffer.from('rows'));
  const extracts = store.hostPath(extractsPrefix('p1'));
  t.equal(await readFile(join(extracts, 'v1', 'bef.parquet'), 'utf8'), 'rows');
  t.equal(await codeOf(async () => store.hostPath('')), 'validation_failed');
  t.equal(await codeOf(async () => store.hostPath('../')), 'validation_failed');
});

t.test('openStorage picks the directory driver by default, under dataDir/objects', async (t) => {
  const dataDir = await tempDir(t);
  const storage = await openStorage(loadConfig({ env: { KLARSYN_DATA_DIR: dataDir } }));
  t.equal(storage.driver, 'directory');
  if (storage.driver !== 'directory') return;
  t.equal(storage.store.root, join(dataDir, 'objects'));
  await storage.store.put('hello', Buffer.from('x'));
  t.ok(existsSync(join(dataDir, 'objects', 'hello')));

  const root = join(dataDir, 'elsewhere');
  const configured = await openStorage(
    loadConfig({ env: { KLARSYN_DATA_DIR: dataDir, KLARSYN_STORAGE__ROOT: root } }),
  );
  t.equal(configured.store.driver, 'directory');
  t.ok(existsSync(root), 'storage.root is honoured');
});
