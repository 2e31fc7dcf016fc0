/**
 * The automatic checks of a submitted request: the disclosure checker on the request's stored files
 * and outputs.yaml, under the strictest profile of the extract's sources, against the project's
 * earlier releases (differencing), its cohort size and, when a loader is given, its pseudonyms.
 * The extract is the one the request's workspace was launched with (when the caller can tell),
 * else the project's newest.
 */
import type pg from 'pg';
import { loadCatalog } from '../../catalog/store.js';
import { listExtracts } from '../../extracts/store.js';
import type { Project } from '../../projects/store.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { checkOutputs } from '../check.js';
import { entryFor } from '../metadata.js';
import type { CheckContext, CheckReport, OutputFile, ReleasedFile } from '../model.js';
import { strictestProfile } from '../profile-files.js';
import { checkWithExtract } from '../query/index.js';
import { withExtractCopy } from './extract-copy.js';
import { readSnapshot, releasedKey, snapshotKey } from './files.js';
import { listRequests, type ReleaseRequest } from './store.js';

/** The project's pseudonyms in one extract version (an empty set when there is none). */
export type PseudonymLoader = (projectId: string, version: number) => Promise<ReadonlySet<string>>;

/**
 * The extract version a workspace of the project was launched with, if it is one: the workspaces
 * domain knows, and the application hands this in (output control does not read its tables).
 */
export type WorkspaceExtractVersion = (projectId: string, workspaceId: string) => Promise<number | undefined>;

export interface CheckDeps {
  pool: pg.Pool;
  store: ObjectStore;
  pseudonyms?: PseudonymLoader;
  workspaceExtractVersion?: WorkspaceExtractVersion;
}

/** Earlier releases read for differencing, newest first, up to this many bytes. */
const MAX_RELEASED_BYTES = 64 * 1024 * 1024;

export interface CheckOutcome {
  profile: string;
  report: CheckReport;
}

/** Profile names of the authorities whose sources the extract holds (else the application's). */
async function profileNames(
  deps: CheckDeps,
  project: Project,
  request: ReleaseRequest,
): Promise<{ names: string[]; cohortSize?: number; extractVersion?: number }> {
  const catalog = await loadCatalog(deps.pool);
  const published = (await listExtracts(deps.pool, project.id)).filter(
    (e) => e.status === 'published' && e.manifest,
  );
  const launched = await deps.workspaceExtractVersion?.(project.id, request.workspaceId);
  const newestRecord = published.find((e) => e.version === launched) ?? published[published.length - 1];
  const newest = newestRecord?.manifest;
  const sources = newest ? new Set(newest.files.map((f) => f.source)) : undefined;
  const authorities = sources
    ? catalog.sources.filter((s) => sources.has(s.id)).map((s) => s.authority)
    : project.authorities;
  const wanted = new Set(authorities.length > 0 ? authorities : project.authorities);
  const names = catalog.authorities.filter((a) => wanted.has(a.code)).map((a) => a.outputProfile);
  return {
    names: names.length > 0 ? names : ['sds'],
    ...(newest && newestRecord
      ? { cohortSize: newest.cohortSize, extractVersion: newestRecord.version }
      : {}),
  };
}

async function earlierReleases(db: pg.Pool, store: ObjectStore, project: Project): Promise<ReleasedFile[]> {
  const released = await listRequests(db, { projectId: project.id, statuses: ['released'] });
  const files: ReleasedFile[] = [];
  let bytes = 0;
  for (const r of released) {
    for (const f of r.files.filter((x) => x.releasedAt)) {
      if (bytes + f.size > MAX_RELEASED_BYTES) return files;
      const body = await readSnapshot(store, releasedKey(project.id, r.id, f.name), f);
      bytes += f.size;
      const entry = entryFor(r.metadata, f.name);
      files.push({ path: f.name, bytes: new Uint8Array(body), ...(entry ? { entry } : {}) });
    }
  }
  return files;
}

export async function runChecks(
  deps: CheckDeps,
  project: Project,
  request: ReleaseRequest,
): Promise<CheckOutcome> {
  const { names, cohortSize, extractVersion } = await profileNames(deps, project, request);
  const profile = strictestProfile(names);
  const files: OutputFile[] = [];
  for (const f of request.files) {
    const body = await readSnapshot(deps.store, snapshotKey(project.id, request.id, f.sha256), f);
    files.push({ path: f.name, bytes: new Uint8Array(body) });
  }
  const context: CheckContext = {
    released: await earlierReleases(deps.pool, deps.store, project),
    ...(cohortSize ? { cohortSize } : {}),
    ...(deps.pseudonyms && extractVersion
      ? { pseudonyms: await deps.pseudonyms(project.id, extractVersion) }
      : {}),
  };
  const checkRequest = { files, metadata: request.metadata, profile, context };
  // Query-backed tables are re-run against the extract: counts become distinct persons.
  const queries = request.metadata.files.some((e) => e.query);
  const report =
    queries && extractVersion
      ? await withExtractCopy(deps.store, project.id, extractVersion, (dir) =>
          checkWithExtract(checkRequest, dir),
        )
      : checkOutputs(checkRequest);
  return { profile: profile.name, report };
}
