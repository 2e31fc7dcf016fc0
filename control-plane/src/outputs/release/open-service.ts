import type pg from 'pg';
import type { TransparencyLog } from '../../../../audit/store/transparency-log.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { extractPseudonyms } from './pseudonyms.js';
import { ReleaseService } from './service.js';

/** The release service as the platform runs it: shipped policy, pseudonyms from the newest extract. */
export function openReleaseService(deps: {
  pool: pg.Pool;
  log: TransparencyLog;
  store: ObjectStore;
}): ReleaseService {
  return new ReleaseService({ ...deps, pseudonyms: extractPseudonyms(deps.pool, deps.store) });
}
