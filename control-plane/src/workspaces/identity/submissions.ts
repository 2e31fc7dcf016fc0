import type pg from 'pg';

type Queryable = pg.Pool | pg.PoolClient;

export interface SubmittedFile {
  /** The file's name in the outbox. */
  name: string;
  size: number;
  sha256: string;
}

/** Outputs submitted from a workspace for release; output control builds release requests from these. */
export interface Submission {
  id: string;
  workspaceId: string;
  projectId: string;
  submittedBy: string;
  files: SubmittedFile[];
  context: string;
  submittedAt: string;
}

const COLUMNS = `id, workspace_id AS "workspaceId", project_id AS "projectId", submitted_by AS "submittedBy",
  files, context, submitted_at AS "submittedAt"`;

function toSubmission(row: Record<string, unknown>): Submission {
  return {
    ...(row as unknown as Submission),
    submittedAt: new Date(row.submittedAt as string).toISOString(),
  };
}

export async function insertSubmission(
  tx: pg.PoolClient,
  s: Omit<Submission, 'id' | 'submittedAt'>,
): Promise<Submission> {
  const { rows } = await tx.query(
    `INSERT INTO workspace_submissions (workspace_id, project_id, submitted_by, files, context)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [s.workspaceId, s.projectId, s.submittedBy, JSON.stringify(s.files), s.context],
  );
  return toSubmission(rows[0]);
}

/** A project's submissions, oldest first: what output control reads. */
export async function listSubmissions(db: Queryable, projectId: string): Promise<Submission[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM workspace_submissions WHERE project_id = $1 ORDER BY submitted_at, id`,
    [projectId],
  );
  return rows.map(toSubmission);
}
