import type pg from 'pg';
import type { ObjectStore } from '../../storage/object-store.js';
import { snapshotsPrefix } from './files.js';
import { listRequests } from './store.js';

/**
 * Deletes the copies of every file submitted for release in a project, released or not, once the
 * project has ended: they were taken for review, and an unreleased one may be exactly what the
 * checks blocked. Released files (kept apart) and the requests' records with their hashes stay.
 * Returns how many copies were deleted.
 */
export async function deleteReviewCopies(
  pool: pg.Pool,
  store: ObjectStore,
  projectId: string,
): Promise<number> {
  let deleted = 0;
  for (const request of await listRequests(pool, { projectId })) {
    deleted += await store.deletePrefix(snapshotsPrefix(projectId, request.id));
  }
  return deleted;
}
