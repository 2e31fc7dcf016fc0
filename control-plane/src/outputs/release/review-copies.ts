import type pg from 'pg';
import type { ObjectStore } from '../../storage/object-store.js';
import { snapshotsPrefix } from './files.js';
import { listRequests } from './store.js';

/**
 * Deletes the copies of every file submitted for release in a project, released or not, once the
 * project has ended: they were taken for review, and an unreleased one may be exactly what the
 * checks blocked. Released files (kept apart) and the requests' records with their hashes stay.
 * Returns the number of requests whose copies are now gone; a repeated call (after a crash) gives
 * the same number, where a count of deleted objects would drop to 0.
 */
export async function deleteReviewCopies(
  pool: pg.Pool,
  store: ObjectStore,
  projectId: string,
): Promise<number> {
  const requests = await listRequests(pool, { projectId });
  for (const request of requests) await store.deletePrefix(snapshotsPrefix(projectId, request.id));
  return requests.length;
}
