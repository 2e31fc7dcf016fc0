// The one contract every object-store driver passes against its real backend (a directory on
// disk, real MinIO): the behaviour and error codes that the extract engine, workspaces and output
// release rely on, plus multi-object publication built on top (publication.ts). Each subtest gets
// a fresh, empty store from `open`, which registers its own cleanup on the subtest.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import type { Test } from 'tap';
import { isKlarsynError } from '../../control-plane/src/errors.js';
import type { ObjectStore } from '../../control-plane/src/storage/object-store.js';
import {
  isPublished,
  listPublished,
  MANIFEST_NAME,
  Publication,
  unpublish,
} from '../../control-plane/src/storage/publication.js';

export type OpenStore = (t: Test) => Promise<ObjectStore>;

export async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

export async function textOf(store: ObjectStore, key: string): Promise<string> {
  return (await bytesOf(await store.get(key))).toString('utf8');
}

/** The KlarsynError code a call fails with, 'resolved' if it succeeds, or the foreign error's message. */
export async function codeOf(call: () => Promise<unknown> | AsyncIterable<unknown>): Promise<string> {
  try {
    const result = call();
    if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
      for await (const _ of result as AsyncIterable<unknown>) break;
    } else {
      await result;
    }
  } catch (error) {
    return isKlarsynError(error) ? error.code : `foreign: ${(error as Error).message}`;
  }
  return 'resolved';
}

export async function keysOf(store: ObjectStore, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Keys outside the grammar: traversal, absolute, backslash, empty or dot segments, non-ASCII, too long. */
export const BAD_KEYS = [
  '',
  '/etc/passwd',
  '../outside',
  'projects/p1/../../outside',
  'projects/./p1',
  'projects//p1',
  'projects/p1/',
  '.hidden',
  'projects\\p1\\x',
  'nul\0byte',
  'line\nbreak',
  'question?mark',
  'hash#tag',
  'stjerne*',
  'percent%2e%2e',
  'æblegrød',
  'trailing-space /x',
  ` leading-space`,
  `${'s'.repeat(256)}/x`,
  `${'k/'.repeat(512)}k`,
];

export function objectStoreContract(t: Test, open: OpenStore): void {
  t.test('put stores bytes and reports their size and SHA-256; get and stat agree', async (t) => {
    const store = await open(t);
    const result = await store.put('projects/p1/hello.txt', Buffer.from('hello'));
    // SHA-256("hello"), a widely published test value.
    t.same(result, {
      key: 'projects/p1/hello.txt',
      size: 5,
      sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    });
    t.equal(await textOf(store, 'projects/p1/hello.txt'), 'hello');
    const info = await store.stat('projects/p1/hello.txt');
    t.equal(info.key, 'projects/p1/hello.txt');
    t.equal(info.size, 5);
    t.type(info.lastModified, Date);
  });

  t.test('a streamed body of many chunks round-trips byte for byte', async (t) => {
    const store = await open(t);
    const chunks = [randomBytes(1 << 20), randomBytes(777), randomBytes(1 << 20)];
    const whole = Buffer.concat(chunks);
    const result = await store.put('data/big.bin', Readable.from(chunks));
    t.equal(result.size, whole.length);
    t.equal(result.sha256, sha256(whole));
    t.ok((await bytesOf(await store.get('data/big.bin'))).equals(whole), 'same bytes back');
  });

  t.test('an empty object is an object', async (t) => {
    const store = await open(t);
    const result = await store.put('empty', Buffer.alloc(0));
    t.equal(result.size, 0);
    t.equal(result.sha256, sha256(''));
    t.equal((await store.stat('empty')).size, 0);
    t.equal(await textOf(store, 'empty'), '');
  });

  t.test('put replaces an existing object', async (t) => {
    const store = await open(t);
    await store.put('a/b', Buffer.from('first'));
    await store.put('a/b', Readable.from([Buffer.from('second')]));
    t.equal(await textOf(store, 'a/b'), 'second');
    t.same(await keysOf(store), ['a/b']);
  });

  t.test(
    'an expected SHA-256 is checked: a match stores, a mismatch stores nothing (invariant 7)',
    async (t) => {
      const store = await open(t);
      await store.put('x/kept', Buffer.from('original'));
      const ok = await store.put('x/new', Buffer.from('payload'), { sha256: sha256('payload') });
      t.equal(ok.sha256, sha256('payload'));

      const wrong = sha256('something else');
      t.equal(
        await codeOf(() => store.put('x/kept', Buffer.from('replacement'), { sha256: wrong })),
        'validation_failed',
      );
      t.equal(
        await codeOf(() => store.put('x/fresh', Readable.from([Buffer.from('streamed')]), { sha256: wrong })),
        'validation_failed',
      );
      t.equal(
        await textOf(store, 'x/kept'),
        'original',
        'the stored object survived the refused replacement',
      );
      t.equal(
        await codeOf(() => store.stat('x/fresh')),
        'not_found',
        'the refused new object does not exist',
      );
      t.equal(
        await codeOf(() => store.put('x/kept', Buffer.from('y'), { sha256: 'ABC' })),
        'validation_failed',
        'a malformed digest is refused',
      );
      t.same(await keysOf(store), ['x/kept', 'x/new']);
    },
  );

  t.test('a body that fails mid-stream stores nothing and keeps the old object (invariant 7)', async (t) => {
    const store = await open(t);
    await store.put('x/kept', Buffer.from('original'));
    const broken = () =>
      new Readable({
        read() {
          this.push(randomBytes(4096));
          this.destroy(new Error('source broke'));
        },
      });
    t.equal(await codeOf(() => store.put('x/kept', broken())), 'foreign: source broke', "the caller's error");
    t.equal(await codeOf(() => store.put('x/other', broken())), 'foreign: source broke');
    // A caller's file stream failing with ENOENT is the caller's error, not a missing object.
    const missingFile = createReadStream('/nonexistent/klarsyn-contract-input');
    t.match(await codeOf(() => store.put('x/other', missingFile)), /^foreign: ENOENT/);
    // A body failing before the driver reads it (while it prepares) fails the put, not the process.
    const failsAtOnce = new Readable({ read() {} });
    process.nextTick(() => failsAtOnce.destroy(new Error('gone at once')));
    t.equal(await codeOf(() => store.put('x/other', failsAtOnce)), 'foreign: gone at once');
    t.equal(await textOf(store, 'x/kept'), 'original');
    t.same(await keysOf(store), ['x/kept'], 'no partial object');
  });

  t.test('a put in progress is invisible; the old object stays readable until it completes', async (t) => {
    const store = await open(t);
    await store.put('x/obj', Buffer.from('old'));
    const body = new PassThrough();
    const pending = store.put('x/obj', body);
    const pendingNew = new PassThrough();
    const pendingPut = store.put('x/new', pendingNew);
    // Wait until the driver has consumed a chunk beyond the buffer (drain), so it is mid-write.
    for (const stream of [body, pendingNew]) {
      if (!stream.write(randomBytes(1 << 20))) await once(stream, 'drain');
    }
    t.equal(await textOf(store, 'x/obj'), 'old', 'readers see the old object');
    t.equal(await codeOf(() => store.stat('x/new')), 'not_found', 'a new object is not there yet');
    t.same(await keysOf(store), ['x/obj']);
    body.end(Buffer.from('tail'));
    pendingNew.end();
    await Promise.all([pending, pendingPut]);
    t.equal((await store.stat('x/obj')).size, (1 << 20) + 4);
    t.same(await keysOf(store), ['x/new', 'x/obj']);
  });

  t.test('missing objects are not_found', async (t) => {
    const store = await open(t);
    t.equal(await codeOf(() => store.get('no/such')), 'not_found');
    t.equal(await codeOf(() => store.stat('no/such')), 'not_found');
    await store.put('no/such/deeper', Buffer.from('x'));
    t.equal(await codeOf(() => store.get('no/such')), 'not_found', 'a prefix is not an object');
  });

  t.test('list yields whole-segment prefixes in byte order', async (t) => {
    const store = await open(t);
    // ' ' (0x20), '-' and '.' sort before '/' (0x2F): 'a-c' comes before 'a/b' as in S3.
    const keys = ['a/b', 'a-c', 'a.d', 'B', 'projects/p1/x', 'projects/p10/y', 'projects/p1/sub/z', 'a b'];
    for (const key of [...keys].reverse()) await store.put(`root/${key}`, Buffer.from(key));
    t.same(await keysOf(store), [...keys].map((k) => `root/${k}`).sort(), 'list("") is everything, sorted');
    t.same(await keysOf(store, 'root/projects/p1/'), ['root/projects/p1/sub/z', 'root/projects/p1/x']);
    t.same(await keysOf(store, 'root/nothing/'), []);
    const [first] = await (async () => {
      const all = [];
      for await (const o of store.list('root/projects/p10/')) all.push(o);
      return all;
    })();
    t.equal(first?.size, 'projects/p10/y'.length, 'listed objects carry their size');
    for (const bad of ['root', 'root/projects/p1', '/root/', '../']) {
      t.equal(await codeOf(() => store.list(bad)), 'validation_failed', `prefix ${JSON.stringify(bad)}`);
    }
  });

  t.test('delete is idempotent; deletePrefix removes exactly its subtree', async (t) => {
    const store = await open(t);
    for (const key of ['p/1/a', 'p/1/b/c', 'p/10/a', 'p/1-x', 'q']) await store.put(key, Buffer.from(key));
    await store.delete('p/1/a');
    await store.delete('p/1/a');
    await store.delete('never/there');
    t.equal(await codeOf(() => store.stat('p/1/a')), 'not_found');
    t.equal(await store.deletePrefix('p/1/'), 1);
    t.same(await keysOf(store), ['p/1-x', 'p/10/a', 'q'], 'neighbours with a common string prefix survive');
    t.equal(await store.deletePrefix('p/1/'), 0, 'again: nothing left');
    t.equal(await codeOf(() => store.deletePrefix('')), 'validation_failed', 'never the whole store at once');
    t.equal(await codeOf(() => store.deletePrefix('p')), 'validation_failed');
  });

  t.test('keys outside the grammar are refused by every call and change nothing (invariant 7)', async (t) => {
    const store = await open(t);
    await store.put('safe/object', Buffer.from('x'));
    for (const key of BAD_KEYS) {
      const name = JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
      t.equal(await codeOf(() => store.put(key, Buffer.from('evil'))), 'validation_failed', `put ${name}`);
      t.equal(await codeOf(() => store.get(key)), 'validation_failed', `get ${name}`);
      t.equal(await codeOf(() => store.stat(key)), 'validation_failed', `stat ${name}`);
      t.equal(await codeOf(() => store.delete(key)), 'validation_failed', `delete ${name}`);
    }
    t.same(await keysOf(store), ['safe/object'], 'nothing was written or removed');
  });

  t.test('publication: invisible until the manifest is committed, then all at once', async (t) => {
    const store = await open(t);
    const prefix = 'projects/p1/extracts/v1/';
    const publication = await Publication.begin(store, prefix);
    await publication.put('bef.parquet', Buffer.from('bef'));
    await publication.put('lpr/diagnoser.parquet', Readable.from([Buffer.from('diag')]));
    t.notOk(await isPublished(store, prefix), 'files without a manifest are not published');
    t.same(await listPublished(store, 'projects/p1/extracts/'), []);
    t.same(
      publication.files.map((f) => [f.key, f.sha256]),
      [
        [`${prefix}bef.parquet`, sha256('bef')],
        [`${prefix}lpr/diagnoser.parquet`, sha256('diag')],
      ],
      'the publication records what it wrote, for the manifest',
    );
    const manifest = Buffer.from(JSON.stringify({ files: publication.files }));
    const committed = await publication.commit(manifest);
    t.equal(committed.key, `${prefix}${MANIFEST_NAME}`);
    t.equal(committed.sha256, sha256(manifest));
    t.ok(await isPublished(store, prefix));
    t.same(await listPublished(store, 'projects/p1/extracts/'), [prefix]);
    t.equal(
      await codeOf(() => publication.put('late.parquet', Buffer.from('x'))),
      'conflict',
      'closed after commit',
    );
    t.equal(await codeOf(() => Publication.begin(store, prefix)), 'conflict', 'a published version is final');
    t.equal(await textOf(store, `${prefix}bef.parquet`), 'bef', 'and untouched by the refused attempt');
  });

  t.test(
    'publication: abort and interrupted attempts leave nothing visible; a retry starts clean',
    async (t) => {
      const store = await open(t);
      const prefix = 'projects/p1/extracts/v2/';
      const aborted = await Publication.begin(store, prefix);
      await aborted.put('a.parquet', Buffer.from('a'));
      t.equal(
        await codeOf(() => aborted.put('b.parquet', Buffer.from('b'), { sha256: sha256('not b') })),
        'validation_failed',
      );
      await aborted.abort();
      t.same(await keysOf(store), [], 'abort removed every file');
      t.equal(
        await codeOf(() => aborted.commit(Buffer.from('{}'))),
        'conflict',
        'an aborted publication stays aborted',
      );

      // A crash mid-publication: files, no manifest, no abort.
      await store.put(`${prefix}stale.parquet`, Buffer.from('stale'));
      t.notOk(await isPublished(store, prefix));
      const retry = await Publication.begin(store, prefix);
      t.same(await keysOf(store), [], 'begin cleared the leftovers');
      await retry.put('fresh.parquet', Buffer.from('fresh'));
      t.equal(await codeOf(() => retry.put(MANIFEST_NAME, Buffer.from('{}'))), 'validation_failed');
      t.equal(await codeOf(() => retry.put('../v1/x', Buffer.from('x'))), 'validation_failed');
      await retry.commit(Buffer.from('{}'));
      t.same(await keysOf(store), [`${prefix}fresh.parquet`, `${prefix}${MANIFEST_NAME}`]);
    },
  );

  t.test('unpublish hides first, then removes every file', async (t) => {
    const store = await open(t);
    const prefix = 'projects/p1/releases/r1/';
    const publication = await Publication.begin(store, prefix);
    await publication.put('table1.csv', Buffer.from('n\n12\n'));
    await publication.commit(Buffer.from('{}'));
    await store.put('projects/p1/releases/r2/other.csv', Buffer.from('x'));
    t.equal(await unpublish(store, prefix), 1, 'counts the files after the manifest');
    t.notOk(await isPublished(store, prefix));
    t.same(await keysOf(store), ['projects/p1/releases/r2/other.csv']);
    t.equal(await codeOf(() => Publication.begin(store, '')), 'validation_failed');
  });
}
