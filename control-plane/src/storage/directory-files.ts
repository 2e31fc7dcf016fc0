import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, readlink, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KlarsynError } from '../errors.js';

/**
 * File-system steps of the directory driver that keep it inside its root. Keys cannot spell a path
 * outside (object-key.ts), but the tree itself may hold symlinks: the local sandbox bind-mounts
 * outboxes writable, so a researcher can plant `outbox/x -> /etc` or a link into another project.
 * Rules: an object is a regular file reached through real directories only; reads check the file
 * they actually opened (race-free, via /proc/self/fd); writes and deletes refuse a symlinked
 * directory on the way. Residual: a process swapping a directory for a symlink between that check
 * and the write could redirect a write — only inside a tree it can already write (its outbox),
 * where the control plane reads but does not write.
 */

/** Opens an object for reading; anything but a regular file at a symlink-free path is `not_found`. */
export async function openObjectFile(
  path: string,
  key: string,
): Promise<{ handle: FileHandle; stats: Stats }> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO planted in an outbox must not hang the control plane.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw fsError(error, key);
  }
  try {
    const stats = await handle.stat();
    const opened = await readlink(`/proc/self/fd/${handle.fd}`);
    if (!stats.isFile() || opened !== path) throw notFound(key);
    return { handle, stats };
  } catch (error) {
    await handle.close();
    throw fsError(error, key);
  }
}

/** True when `dir` is a directory reached without any symlink below the (real) root. */
export async function isPlainDirectory(dir: string): Promise<boolean> {
  try {
    return (await realpath(dir)) === dir && (await lstat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Creates the directories of `segments` under `root` one at a time, refusing any symlink or file
 * in the way, and fsyncs each new directory's parent so the entries survive a crash.
 */
export async function ensureDirectory(root: string, segments: string[], key: string): Promise<string> {
  let dir = root;
  const created: string[] = [];
  for (const segment of segments) {
    dir = join(dir, segment);
    try {
      await mkdir(dir, { mode: 0o700 });
      created.push(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(error, key);
    }
    const stats = await lstat(dir);
    if (stats.isSymbolicLink()) {
      throw new KlarsynError('forbidden', `a symlink is in the way of ${key}`, { details: { key } });
    }
    if (!stats.isDirectory()) {
      throw new KlarsynError('conflict', `an object is in the way of ${key}`, { details: { key } });
    }
  }
  for (const made of created) await fsyncDirectory(dirname(made));
  return dir;
}

/** A rename or unlink is durable only once its directory is synced. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function notFound(key: string): KlarsynError {
  return new KlarsynError('not_found', `no object ${key}`, { details: { key } });
}

/** Maps file-system errors onto the store's error contract; other errors pass through unchanged. */
export function fsError(error: unknown, key: string): unknown {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
    case 'ENOTDIR':
    case 'ELOOP':
      return notFound(key);
    case 'EACCES':
    case 'EPERM':
      return new KlarsynError('forbidden', `the store may not access ${key}`, {
        details: { key },
        cause: error,
      });
    case 'EISDIR':
    case 'ENOTEMPTY':
    case 'EEXIST':
    case 'EBUSY':
      return new KlarsynError('conflict', `${key} is in use as a prefix or mount`, {
        details: { key },
        cause: error,
      });
    case 'ENOSPC':
    case 'EDQUOT':
      return new KlarsynError('unavailable', `no space left to store ${key}`, {
        details: { key },
        cause: error,
      });
    default:
      return error;
  }
}
