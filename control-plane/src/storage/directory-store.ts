import { randomUUID } from 'node:crypto';
import { access, lstat, mkdir, readdir, realpath, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { KlarsynError } from '../errors.js';
import { assertDigestMatches, assertPutOptions } from './digest.js';
import {
  ensureDirectory,
  fsError,
  fsyncDirectory,
  isPlainDirectory,
  openObjectFile,
} from './directory-files.js';
import { assertNonEmptyPrefix, assertObjectKey, assertPrefix, isObjectKey } from './object-key.js';
import type { ObjectInfo, ObjectStore, PutOptions, PutResult } from './object-store.js';
import { spoolToFile } from './spool.js';

/** Temporary files and trash live here; no key can name it (segments never start with "."). */
const WORK_DIR = '.klarsyn-tmp';
/** Leftovers of crashed writes older than this are removed at open; younger ones may be in use. */
const STALE_MS = 24 * 60 * 60 * 1000;

/**
 * The embedded driver: one file per object under a root directory (`<dataDir>/objects` by
 * default). A put is written to a temporary file, fsynced and renamed into place, so readers see
 * the old object or the new one, never a torn write. A prefix is a directory; deleting a prefix
 * renames it away first, so it vanishes in one step. Linux only (/proc/self/fd, like the sandbox).
 *
 * Unlike S3, a key cannot also be a prefix (`a/b` and `a/b/c`): that put is a `conflict`.
 * Workspaces get no credentials here: the local sandbox bind-mounts `hostPath(prefix)` instead
 * (the extract read-only, the outbox writable).
 */
export class DirectoryStore implements ObjectStore {
  readonly driver = 'directory';

  private constructor(readonly root: string) {}

  static async open(root: string): Promise<DirectoryStore> {
    await access('/proc/self/fd').catch((cause) => {
      throw new KlarsynError(
        'config_invalid',
        'the directory store needs Linux /proc to check opened files',
        {
          cause,
        },
      );
    });
    await mkdir(root, { recursive: true, mode: 0o700 });
    const store = new DirectoryStore(await realpath(root));
    await mkdir(store.workDir, { recursive: true, mode: 0o700 });
    await store.sweepStale();
    return store;
  }

  /** The directory behind a prefix, for the local sandbox's bind mounts. */
  hostPath(prefix: string): string {
    assertNonEmptyPrefix(prefix);
    return this.pathOf(prefix.slice(0, -1));
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<PutResult> {
    assertObjectKey(key);
    assertPutOptions(options);
    const temporary = join(this.workDir, randomUUID());
    const spooled = await spoolToFile(body, temporary, true);
    try {
      assertDigestMatches(key, options.sha256, spooled.sha256);
      const segments = key.split('/');
      const parent = await ensureDirectory(this.root, segments.slice(0, -1), key);
      await rename(temporary, join(parent, segments.at(-1) as string));
      await fsyncDirectory(parent);
    } catch (error) {
      await unlink(temporary).catch(() => {});
      throw fsError(error, key);
    }
    return { key, ...spooled };
  }

  async get(key: string): Promise<Readable> {
    assertObjectKey(key);
    const { handle } = await openObjectFile(this.pathOf(key), key);
    return handle.createReadStream();
  }

  async stat(key: string): Promise<ObjectInfo> {
    assertObjectKey(key);
    const { handle, stats } = await openObjectFile(this.pathOf(key), key);
    await handle.close();
    return { key, size: stats.size, lastModified: stats.mtime };
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertPrefix(prefix);
    const dir = prefix === '' ? this.root : this.pathOf(prefix.slice(0, -1));
    if (await isPlainDirectory(dir)) yield* this.walk(dir, prefix);
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    const path = this.pathOf(key);
    if (!(await isPlainDirectory(dirname(path)))) return;
    try {
      // A directory is a prefix, not an object; unlink removes a planted symlink, never its target.
      if ((await lstat(path)).isDirectory()) return;
      await unlink(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw fsError(error, key);
    }
    await fsyncDirectory(dirname(path));
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertNonEmptyPrefix(prefix);
    const dir = this.pathOf(prefix.slice(0, -1));
    if (!(await isPlainDirectory(dir))) return 0;
    const trash = join(this.workDir, `trash-${randomUUID()}`);
    try {
      await rename(dir, trash);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw fsError(error, prefix);
    }
    await fsyncDirectory(dirname(dir));
    let count = 0;
    for await (const _ of this.walk(trash, prefix)) count++;
    await rm(trash, { recursive: true, force: true });
    return count;
  }

  private get workDir(): string {
    return join(this.root, WORK_DIR);
  }

  private pathOf(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  /**
   * Depth-first in key order: a directory sorts as its name plus "/", so `a-c` (0x2D) comes before
   * `a/b` (0x2F) exactly as S3 orders the keys. Symlinks, devices and FIFOs are not objects.
   */
  private async *walk(dir: string, keyPrefix: string): AsyncIterable<ObjectInfo> {
    const entries = await readdir(dir, { withFileTypes: true }).catch((error) => {
      // A directory deleted while being listed simply has no more objects.
      if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return [];
      throw fsError(error, keyPrefix);
    });
    const named = entries
      .filter((entry) => entry.isFile() || entry.isDirectory())
      .map((entry) => ({ entry, sortKey: entry.isDirectory() ? `${entry.name}/` : entry.name }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { entry } of named) {
      const key = `${keyPrefix}${entry.name}`;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (isObjectKey(key)) yield* this.walk(path, `${key}/`);
        continue;
      }
      if (!isObjectKey(key)) continue;
      const stats = await lstat(path).catch(() => undefined);
      if (stats?.isFile()) yield { key, size: stats.size, lastModified: stats.mtime };
    }
  }

  private async sweepStale(): Promise<void> {
    const cutoff = Date.now() - STALE_MS;
    for (const name of await readdir(this.workDir)) {
      const path = join(this.workDir, name);
      const stats = await lstat(path).catch(() => undefined);
      if (stats && stats.mtimeMs < cutoff) await rm(path, { recursive: true, force: true });
    }
  }
}
