import type pg from 'pg';
import type { TransparencyLog } from '../../../../audit/store/transparency-log.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { WorkspaceExtractVersion } from './checks.js';
import { extractPseudonyms } from './pseudonyms.js';
import { ReleaseService } from './service.js';

/**
 * The release service as the platform runs it: the shipped policy, and the pseudonyms of the extract
 * the request's workspace was launched with (`workspaceExtractVersion`, from the workspaces domain).
 */
export function openReleaseService(deps: {
  pool: pg.Pool;
  log: TransparencyLog;
  store: ObjectStore;
  workspaceExtractVersion?: WorkspaceExtractVersion;
}): ReleaseService {
  return new ReleaseService({ ...deps, pseudonyms: extractPseudonyms(deps.pool, deps.store) });
}
