import type pg from 'pg';
import type { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { inTransaction } from '../db/transaction.js';
import { destroyProjectKeys } from '../extracts/project-keys.js';
import { markExtractsDeleted, projectsWithExtractData } from '../extracts/store.js';
import { deleteReviewCopies } from '../outputs/release/index.js';
import { endedProjects } from '../projects/store.js';
import { extractsPrefix } from '../storage/layout.js';
import type { ObjectStore } from '../storage/object-store.js';
import { PROJECT_DATA_DELETED } from './events.js';

export interface ProjectEndDeps {
  pool: pg.Pool;
  log: TransparencyLog;
  store: ObjectStore;
}

/**
 * Once a project has ended (its deletion date, a withdrawal), its extract files and the review
 * copies of its release requests are deleted and its keys destroyed, so its pseudonyms can never
 * be made or linked again (invariant 2). Files go first; the records, the keys and the log entry
 * then change in one transaction. The log never claims a deletion that has not happened, and a
 * crash in between leaves a project that the next round finds and finishes. Returns the projects
 * it finished.
 */
export async function deleteEndedProjectData(deps: ProjectEndDeps): Promise<string[]> {
  const ended = await projectsWithExtractData(deps.pool, await endedProjects(deps.pool));
  for (const projectId of ended) {
    await deps.store.deletePrefix(extractsPrefix(projectId));
    const requests = await deleteReviewCopies(deps.pool, deps.store, projectId);
    await inTransaction(deps.pool, async (tx) => {
      const versions = await markExtractsDeleted(tx, projectId);
      const keys = await destroyProjectKeys(tx, projectId);
      await deps.log.append(
        {
          type: PROJECT_DATA_DELETED,
          actor: 'system',
          project: projectId,
          subject: `project:${projectId}`,
          details: { extract_versions: versions, release_requests: requests, keys_destroyed: keys },
        },
        tx,
      );
    });
  }
  return ended;
}
