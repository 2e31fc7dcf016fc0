import type pg from 'pg';
import type { OutputsMetadata } from '../metadata.js';
import type { Finding, Verdict } from '../model.js';
import type { ReleaseStatus } from './status.js';
import type { Vote, VoteKind } from './votes.js';

type Queryable = pg.Pool | pg.PoolClient;

export interface ReleaseFile {
  id: string;
  name: string;
  revision: number;
  size: number;
  sha256: string;
  verdict: Verdict | null;
  findings: Finding[] | null;
  releasedAt: string | null;
  addedAt: string;
}

export interface ReleaseRequest {
  id: string;
  projectId: string;
  workspaceId: string;
  author: string;
  status: ReleaseStatus;
  context: string;
  metadata: OutputsMetadata;
  comment: string | null;
  profile: string | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  releasedAt: string | null;
  /** Current files (removed ones left out), by name. */
  files: ReleaseFile[];
  votes: Vote[];
}

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

const SELECT = `
  SELECT r.id, r.project_id AS "projectId", r.workspace_id AS "workspaceId", r.author, r.status, r.context,
         r.metadata, r.comment, r.profile, r.created_at AS "createdAt", r.updated_at AS "updatedAt",
         r.submitted_at AS "submittedAt", r.released_at AS "releasedAt",
         coalesce((SELECT json_agg(json_build_object('id', f.id, 'name', f.name, 'revision', f.revision,
                     'size', f.size, 'sha256', f.sha256, 'verdict', f.verdict, 'findings', f.findings,
                     'releasedAt', f.released_at, 'addedAt', f.added_at) ORDER BY f.name)
                   FROM release_files f WHERE f.request_id = r.id AND NOT f.removed), '[]') AS files,
         coalesce((SELECT json_agg(json_build_object('file', v.file, 'revision', v.revision, 'reviewer', v.reviewer,
                     'vote', v.vote, 'comment', v.comment, 'votedAt', v.voted_at) ORDER BY v.voted_at, v.file)
                   FROM release_votes v WHERE v.request_id = r.id), '[]') AS votes
  FROM release_requests r`;

function toRequest(row: Record<string, unknown>): ReleaseRequest {
  const r = row as unknown as ReleaseRequest;
  return {
    ...r,
    createdAt: iso(r.createdAt) as string,
    updatedAt: iso(r.updatedAt) as string,
    submittedAt: iso(r.submittedAt),
    releasedAt: iso(r.releasedAt),
    files: r.files.map((f) => ({
      ...f,
      size: Number(f.size),
      releasedAt: iso(f.releasedAt),
      addedAt: iso(f.addedAt) as string,
    })),
    votes: r.votes.map((v) => ({ ...v, votedAt: iso(v.votedAt) as string })),
  };
}

export async function getRequest(
  db: Queryable,
  id: string,
  lock = false,
): Promise<ReleaseRequest | undefined> {
  const { rows } = await db.query(`${SELECT} WHERE r.id = $1 ${lock ? 'FOR UPDATE OF r' : ''}`, [id]);
  return rows[0] ? toRequest(rows[0]) : undefined;
}

export async function listRequests(
  db: Queryable,
  filter: { projectId?: string; statuses?: readonly ReleaseStatus[] },
): Promise<ReleaseRequest[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE ($1::uuid IS NULL OR r.project_id = $1) AND ($2::text[] IS NULL OR r.status = ANY($2))
     ORDER BY r.created_at DESC, r.id`,
    [filter.projectId ?? null, filter.statuses ?? null],
  );
  return rows.map(toRequest);
}

export async function insertRequest(
  tx: pg.PoolClient,
  r: { id: string; projectId: string; workspaceId: string; author: string; context: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO release_requests (id, project_id, workspace_id, author, context) VALUES ($1, $2, $3, $4, $5)`,
    [r.id, r.projectId, r.workspaceId, r.author, r.context],
  );
}

export interface StoredFile {
  name: string;
  size: number;
  sha256: string;
}

/** Adds a file or replaces it with a new revision (its verdict and votes no longer apply). */
export async function putFile(tx: pg.PoolClient, requestId: string, f: StoredFile): Promise<number> {
  const { rows } = await tx.query<{ revision: number }>(
    `INSERT INTO release_files (request_id, name, size, sha256) VALUES ($1, $2, $3, $4)
     ON CONFLICT (request_id, name) DO UPDATE SET revision = release_files.revision + 1, size = $3, sha256 = $4,
       verdict = NULL, findings = NULL, removed = false, added_at = now()
     RETURNING revision`,
    [requestId, f.name, f.size, f.sha256],
  );
  return (rows[0] as { revision: number }).revision;
}

export async function removeFile(tx: pg.PoolClient, requestId: string, name: string): Promise<void> {
  await tx.query(
    `UPDATE release_files SET removed = true, revision = revision + 1, verdict = NULL, findings = NULL
     WHERE request_id = $1 AND name = $2`,
    [requestId, name],
  );
}

export async function updateDraft(
  tx: pg.PoolClient,
  id: string,
  change: { context?: string; metadata?: OutputsMetadata },
): Promise<void> {
  await tx.query(
    `UPDATE release_requests SET context = coalesce($2, context), metadata = coalesce($3, metadata),
       updated_at = now() WHERE id = $1`,
    [id, change.context ?? null, change.metadata ? JSON.stringify(change.metadata) : null],
  );
}

export async function setVerdict(
  tx: pg.PoolClient,
  requestId: string,
  name: string,
  verdict: Verdict,
  findings: Finding[],
): Promise<void> {
  await tx.query(`UPDATE release_files SET verdict = $3, findings = $4 WHERE request_id = $1 AND name = $2`, [
    requestId,
    name,
    verdict,
    JSON.stringify(findings),
  ]);
}

export async function setStatus(
  tx: pg.PoolClient,
  id: string,
  status: ReleaseStatus,
  extra: { comment?: string; profile?: string } = {},
): Promise<void> {
  await tx.query(
    `UPDATE release_requests SET status = $2, updated_at = now(),
       comment = CASE WHEN $3::text IS NULL THEN comment ELSE $3 END,
       profile = coalesce($4, profile),
       submitted_at = CASE WHEN $2 = 'submitted' THEN now() ELSE submitted_at END,
       released_at = CASE WHEN $2 = 'released' THEN now() ELSE released_at END
     WHERE id = $1`,
    [id, status, extra.comment ?? null, extra.profile ?? null],
  );
}

export async function upsertVote(
  tx: pg.PoolClient,
  requestId: string,
  v: { file: string; revision: number; reviewer: string; vote: VoteKind; comment: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO release_votes (request_id, file, revision, reviewer, vote, comment) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (request_id, file, revision, reviewer) DO UPDATE SET vote = $5, comment = $6, voted_at = now()`,
    [requestId, v.file, v.revision, v.reviewer, v.vote, v.comment],
  );
}

export async function markReleased(tx: pg.PoolClient, requestId: string): Promise<void> {
  await tx.query(`UPDATE release_files SET released_at = now() WHERE request_id = $1 AND NOT removed`, [
    requestId,
  ]);
}

/** What the public register shows of a project's releases: when, and each file's name, size and hash. */
export interface RegisteredRelease {
  id: string;
  releasedAt: string;
  files: { name: string; size: number; sha256: string }[];
}

export async function releasesOfProjects(
  db: Queryable,
  projectIds: readonly string[],
): Promise<Map<string, RegisteredRelease[]>> {
  const { rows } = await db.query(
    `SELECT r.project_id AS "projectId", r.id, r.released_at AS "releasedAt",
            json_agg(json_build_object('name', f.name, 'size', f.size, 'sha256', f.sha256) ORDER BY f.name) AS files
     FROM release_requests r JOIN release_files f ON f.request_id = r.id AND f.released_at IS NOT NULL
     WHERE r.status = 'released' AND r.project_id = ANY($1::uuid[])
     GROUP BY r.project_id, r.id, r.released_at ORDER BY r.released_at, r.id`,
    [projectIds],
  );
  const byProject = new Map<string, RegisteredRelease[]>();
  for (const row of rows) {
    const list = byProject.get(row.projectId) ?? [];
    list.push({
      id: row.id,
      releasedAt: iso(row.releasedAt) as string,
      files: row.files.map((f: { name: string; size: number; sha256: string }) => ({
        ...f,
        size: Number(f.size),
      })),
    });
    byProject.set(row.projectId, list);
  }
  return byProject;
}
