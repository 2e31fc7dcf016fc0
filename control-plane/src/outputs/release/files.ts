/**
 * A request's files in object storage. When a researcher takes a file from a workspace's outbox,
 * the control plane copies it into the request's own area, addressed by its SHA-256: the workspace
 * can still change its outbox, but never what was checked, voted on and released.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { KlarsynError } from '../../errors.js';
import { outboxPrefix, releasePrefix } from '../../storage/layout.js';
import { assertObjectKey } from '../../storage/object-key.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { METADATA_FILE } from '../local-files.js';
import { type FileEntry, normalisePath, type OutputsMetadata, parseOutputsMetadata } from '../metadata.js';
import type { StoredFile } from './store.js';

/** The checker reads whole files into memory; larger outputs are not aggregates anyway. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_FILES = 100;
const MAX_METADATA_BYTES = 1024 * 1024;
const CPR = /(?<![0-9A-Za-z])\d{6}-?\d{4}(?![0-9A-Za-z])/;

/** The copies of a request's submitted files that reviewers read; released files are kept apart. */
export function snapshotsPrefix(projectId: string, requestId: string): string {
  return `${releasePrefix(projectId, requestId)}submitted/`;
}

export function snapshotKey(projectId: string, requestId: string, sha256: string): string {
  return `${snapshotsPrefix(projectId, requestId)}${sha256}`;
}

export function releasedKey(projectId: string, requestId: string, name: string): string {
  return `${releasePrefix(projectId, requestId)}released/${name}`;
}

/** A file name a request may hold: a key under the outbox, not outputs.yaml, no CPR-shaped number. */
export function assertFileName(name: string): void {
  assertObjectKey(name);
  if (posix.basename(name) === METADATA_FILE) {
    throw new KlarsynError(
      'validation_failed',
      `${METADATA_FILE} describes the files and is read with them; it is not an output`,
    );
  }
  // Names reach the public log; a CPR number must not.
  if (CPR.test(name))
    throw new KlarsynError('validation_failed', `${name}: a file name may not hold a CPR-shaped number`);
}

async function readAll(store: ObjectStore, key: string, what: string, max: number): Promise<Buffer> {
  let size: number;
  try {
    size = (await store.stat(key)).size;
  } catch (e) {
    if ((e as KlarsynError).code === 'not_found')
      throw new KlarsynError('validation_failed', `${what} is not in the outbox`);
    throw e;
  }
  if (size > max) {
    throw new KlarsynError(
      'payload_too_large',
      `${what} is ${size} bytes; output control takes files up to ${max} bytes`,
    );
  }
  const chunks: Buffer[] = [];
  let read = 0;
  for await (const chunk of await store.get(key)) {
    read += (chunk as Buffer).length;
    if (read > max)
      throw new KlarsynError('payload_too_large', `${what} grew past ${max} bytes while it was read`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Copies one outbox file into the request's area; returns its name, size and hash. */
export async function takeFromOutbox(
  store: ObjectStore,
  at: { projectId: string; workspaceId: string; requestId: string },
  name: string,
  maxBytes = MAX_FILE_BYTES,
): Promise<StoredFile> {
  assertFileName(name);
  const bytes = await readAll(store, `${outboxPrefix(at.projectId, at.workspaceId)}${name}`, name, maxBytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await store.put(snapshotKey(at.projectId, at.requestId, sha256), bytes, { sha256 });
  return { name, size: bytes.length, sha256 };
}

/**
 * The outputs.yaml beside the named files (one per directory), with paths relative to the outbox,
 * as the checker and reviewers read them. A malformed outputs.yaml is bad input.
 */
export async function outboxMetadata(
  store: ObjectStore,
  at: { projectId: string; workspaceId: string },
  names: readonly string[],
): Promise<OutputsMetadata> {
  const entries = new Map<string, FileEntry>();
  const dirs = [...new Set(names.map((n) => posix.dirname(n)))].sort();
  for (const dir of dirs) {
    const name = dir === '.' ? METADATA_FILE : `${dir}/${METADATA_FILE}`;
    let text: string;
    try {
      text = (
        await readAll(store, `${outboxPrefix(at.projectId, at.workspaceId)}${name}`, name, MAX_METADATA_BYTES)
      ).toString('utf8');
    } catch (e) {
      if ((e as KlarsynError).code === 'validation_failed') continue; // none beside these files
      throw e;
    }
    for (const e of parseOutputsMetadata(text, name).files) {
      const path = dir === '.' ? normalisePath(e.path) : posix.join(dir, normalisePath(e.path));
      entries.set(path, { ...e, path });
    }
  }
  return { files: [...entries.values()] };
}

/** A snapshot's bytes, checked against the hash the request recorded. */
export async function readSnapshot(
  store: ObjectStore,
  key: string,
  expected: { name: string; sha256: string },
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  if (createHash('sha256').update(bytes).digest('hex') !== expected.sha256) {
    throw new KlarsynError(
      'internal',
      `the stored copy of ${expected.name} does not match its recorded hash`,
    );
  }
  return bytes;
}
