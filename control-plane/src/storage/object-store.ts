import type { Readable } from 'node:stream';

/**
 * The object-storage driver interface. Drivers only move bytes; multi-object publication
 * (`publication.ts`) and key layout (`layout.ts`) are written once on top of it.
 *
 * Error contract (every driver, proved by the shared contract suite):
 * - a key or prefix outside the grammar of `object-key.ts` → `validation_failed`, nothing touched;
 * - a missing object on `get`/`stat` → `not_found`;
 * - an expected SHA-256 that does not match the body → `validation_failed`, and the key keeps
 *   whatever it held before (a put is all or nothing: readers see the old object or the new one);
 * - the backend refusing the store's own credentials → `forbidden`; unreachable → `unavailable`.
 *
 * Objects whose names fall outside the key grammar (written around the store, e.g. by a workspace
 * into its outbox) are not listed and cannot be addressed.
 */
export interface ObjectStore {
  readonly driver: 'directory' | 's3';
  /** Stores `body` at `key`, replacing any previous object; streams are read once, to the end. */
  put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<PutResult>;
  /** The object's bytes; `not_found` is raised here, before any byte is read. */
  get(key: string): Promise<Readable>;
  stat(key: string): Promise<ObjectInfo>;
  /** Every object under a whole-segment prefix (`''` or ending in `/`), sorted by key (byte order). */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Idempotent: deleting a missing object is not an error (retries and cleanups stay simple). */
  delete(key: string): Promise<void>;
  /** Deletes every object under a non-empty prefix; returns how many there were. */
  deletePrefix(prefix: string): Promise<number>;
}

export interface PutOptions {
  /** Lower-case hex SHA-256 the body must have; on mismatch nothing is stored. */
  sha256?: string;
}

export interface PutResult {
  key: string;
  size: number;
  /** Lower-case hex SHA-256 of the stored bytes, computed while storing them. */
  sha256: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}
