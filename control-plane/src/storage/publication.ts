import type { Readable } from 'node:stream';
import { KlarsynError } from '../errors.js';
import { assertNonEmptyPrefix, assertObjectKey, assertPrefix } from './object-key.js';
import type { ObjectStore, PutOptions, PutResult } from './object-store.js';

/**
 * Multi-object results (an extract version, a release) appear all at once. The rule, which every
 * reader follows: a prefix is published if and only if its manifest exists. Publishing writes the
 * files first and the manifest last, in one put — which every driver makes atomic — so a reader
 * sees all of it or none of it. Files without a manifest are leftovers of an interrupted
 * publication: invisible, removed by `abort` or by the next `begin` on that prefix, so a failed
 * job is retried cleanly. Unpublishing deletes the manifest first for the same reason.
 *
 * One publisher per prefix at a time is the caller's job (version numbers come from the database).
 */
export const MANIFEST_NAME = 'manifest.json';

export class Publication {
  readonly files: PutResult[] = [];
  private state: 'open' | 'committed' | 'aborted' = 'open';

  private constructor(
    private readonly store: ObjectStore,
    readonly prefix: string,
  ) {}

  /** `conflict` if the prefix is already published; clears leftovers of an earlier attempt. */
  static async begin(store: ObjectStore, prefix: string): Promise<Publication> {
    assertNonEmptyPrefix(prefix);
    if (await isPublished(store, prefix)) {
      throw new KlarsynError('conflict', `${prefix} is already published`, { details: { prefix } });
    }
    await store.deletePrefix(prefix);
    return new Publication(store, prefix);
  }

  /** Stores one file under the prefix; `name` is relative and may hold "/". */
  async put(name: string, body: Buffer | Readable, options?: PutOptions): Promise<PutResult> {
    this.assertOpen();
    assertObjectKey(name);
    if (name === MANIFEST_NAME) {
      throw new KlarsynError('validation_failed', `${MANIFEST_NAME} is written by commit`, {
        details: { name },
      });
    }
    const result = await this.store.put(`${this.prefix}${name}`, body, options);
    this.files.push(result);
    return result;
  }

  /** Writes the manifest: from this put on, readers see every file. */
  async commit(manifest: Buffer): Promise<PutResult> {
    this.assertOpen();
    const result = await this.store.put(`${this.prefix}${MANIFEST_NAME}`, manifest);
    this.state = 'committed';
    return result;
  }

  /** Removes what was written; safe to call after a failed put. */
  async abort(): Promise<void> {
    this.assertOpen();
    this.state = 'aborted';
    await this.store.deletePrefix(this.prefix);
  }

  private assertOpen(): void {
    if (this.state !== 'open') {
      throw new KlarsynError('conflict', `the publication of ${this.prefix} is already ${this.state}`, {
        details: { prefix: this.prefix },
      });
    }
  }
}

export async function isPublished(store: ObjectStore, prefix: string): Promise<boolean> {
  assertNonEmptyPrefix(prefix);
  try {
    await store.stat(`${prefix}${MANIFEST_NAME}`);
    return true;
  } catch (error) {
    if (error instanceof KlarsynError && error.code === 'not_found') return false;
    throw error;
  }
}

/** The published prefixes directly below `parent` (e.g. the extract versions of a project), sorted. */
export async function listPublished(store: ObjectStore, parent: string): Promise<string[]> {
  assertPrefix(parent);
  const published: string[] = [];
  for await (const object of store.list(parent)) {
    const rest = object.key.slice(parent.length).split('/');
    if (rest.length === 2 && rest[1] === MANIFEST_NAME) published.push(`${parent}${rest[0]}/`);
  }
  return published;
}

/** Makes a published prefix invisible in one step (manifest first), then removes its files. */
export async function unpublish(store: ObjectStore, prefix: string): Promise<number> {
  assertNonEmptyPrefix(prefix);
  await store.delete(`${prefix}${MANIFEST_NAME}`);
  return store.deletePrefix(prefix);
}
