/**
 * A private local copy of one extract version (manifest.json and its Parquet files), for the query
 * sandbox that re-runs query-backed outputs. Removed as soon as the checks are done.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extractVersionPrefix } from '../../storage/layout.js';
import type { ObjectStore } from '../../storage/object-store.js';

export async function withExtractCopy<T>(
  store: ObjectStore,
  projectId: string,
  version: number,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-release-extract-'));
  try {
    const prefix = extractVersionPrefix(projectId, version);
    for await (const object of store.list(prefix)) {
      const target = join(dir, object.key.slice(prefix.length));
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      await pipeline(await store.get(object.key), createWriteStream(target, { mode: 0o600 }));
    }
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
