import type pg from 'pg';
import type { ExtractManifest } from './manifest.js';

type Queryable = pg.Pool | pg.PoolClient;

export type ExtractStatus = 'running' | 'published' | 'failed';

export interface ExtractRecord {
  id: string;
  projectId: string;
  version: number;
  status: ExtractStatus;
  stage: string;
  progress: number;
  requestedBy: string;
  requestedAt: string;
  finishedAt: string | null;
  rows: number | null;
  manifestSha256: string | null;
  manifest: ExtractManifest | null;
  error: string | null;
  /** When the files were deleted at the project's end; the record stays. */
  deletedAt: string | null;
}

const COLUMNS = `id, project_id AS "projectId", version, status, stage, progress, requested_by AS "requestedBy",
  requested_at AS "requestedAt", finished_at AS "finishedAt", rows::float8 AS rows, manifest_sha256 AS "manifestSha256",
  manifest, error, deleted_at AS "deletedAt"`;

function toRecord(row: Record<string, unknown>): ExtractRecord {
  return {
    ...(row as unknown as ExtractRecord),
    requestedAt: new Date(row.requestedAt as string).toISOString(),
    finishedAt: row.finishedAt ? new Date(row.finishedAt as string).toISOString() : null,
    deletedAt: row.deletedAt ? new Date(row.deletedAt as string).toISOString() : null,
  };
}

/** Allocates the next version number under the project row's lock, so versions have no gaps or twins. */
export async function insertExtract(
  tx: pg.PoolClient,
  projectId: string,
  requestedBy: string,
): Promise<ExtractRecord> {
  await tx.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
  const { rows } = await tx.query(
    `INSERT INTO extracts (project_id, version, status, requested_by)
     SELECT $1, coalesce(max(version), 0) + 1, 'running', $2 FROM extracts WHERE project_id = $1
     RETURNING ${COLUMNS}`,
    [projectId, requestedBy],
  );
  return toRecord(rows[0]);
}

export async function listExtracts(db: Queryable, projectId: string): Promise<ExtractRecord[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM extracts WHERE project_id = $1 ORDER BY version`, [
    projectId,
  ]);
  return rows.map(toRecord);
}

export async function getExtract(
  db: Queryable,
  projectId: string,
  version: number,
): Promise<ExtractRecord | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM extracts WHERE project_id = $1 AND version = $2`, [
    projectId,
    version,
  ]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function setProgress(db: Queryable, id: string, stage: string, progress: number): Promise<void> {
  await db.query(`UPDATE extracts SET stage = $2, progress = $3 WHERE id = $1 AND status = 'running'`, [
    id,
    stage,
    progress,
  ]);
}

export async function markPublished(
  tx: pg.PoolClient,
  id: string,
  manifest: ExtractManifest,
  manifestSha256: string,
  rows: number,
): Promise<void> {
  await tx.query(
    `UPDATE extracts SET status = 'published', stage = 'published', progress = 1, finished_at = now(),
       manifest = $2, manifest_sha256 = $3, rows = $4 WHERE id = $1`,
    [id, manifest, manifestSha256, rows],
  );
}

export async function markFailed(tx: Queryable, id: string, error: string): Promise<void> {
  await tx.query(
    `UPDATE extracts SET status = 'failed', stage = 'failed', finished_at = now(), error = $2 WHERE id = $1`,
    [id, error],
  );
}

/** Jobs that were running when the process stopped; they are failed and may be requested again. */
export async function interruptedExtracts(
  db: Queryable,
  /** Skip jobs this young: their owner may not have taken its lock yet. */
  olderThanSeconds = 0,
): Promise<{ id: string; projectId: string; version: number }[]> {
  const { rows } = await db.query(
    `SELECT id, project_id AS "projectId", version FROM extracts
      WHERE status = 'running' AND requested_at < now() - make_interval(secs => $1)`,
    [olderThanSeconds],
  );
  return rows;
}

/**
 * Those of `projectIds` that still have published extract files or an undestroyed key. Running
 * jobs are left to finish (or to recovery): their files are deleted on a later round.
 */
export async function projectsWithExtractData(
  db: Queryable,
  projectIds: readonly string[],
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM unnest($1::uuid[]) AS p (id)
      WHERE EXISTS (SELECT 1 FROM extracts e WHERE e.project_id = p.id AND e.status = 'published' AND e.deleted_at IS NULL)
         OR EXISTS (SELECT 1 FROM project_keys k WHERE k.project_id = p.id AND k.wrapped IS NOT NULL)
      ORDER BY id`,
    [projectIds],
  );
  return rows.map((r) => r.id);
}

/**
 * Marks the project's published extracts deleted; returns their versions. Takes the project row's
 * lock, as a new version does, so no version slips in between.
 */
export async function markExtractsDeleted(tx: pg.PoolClient, projectId: string): Promise<number[]> {
  await tx.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
  const { rows } = await tx.query<{ version: number }>(
    `UPDATE extracts SET deleted_at = now()
      WHERE project_id = $1 AND status = 'published' AND deleted_at IS NULL RETURNING version`,
    [projectId],
  );
  return rows.map((r) => r.version).sort((a, b) => a - b);
}
