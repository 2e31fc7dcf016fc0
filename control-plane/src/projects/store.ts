import type pg from 'pg';
import type { Application, AuthorityDecision } from './application.js';
import { FINAL_STATUSES, type ProjectStatus } from './status.js';

type Queryable = pg.Pool | pg.PoolClient;

export interface Decision extends AuthorityDecision {
  reason: string;
  decidedBy: string;
  decidedAt: string;
}

export interface Project {
  id: string;
  applicant: string;
  status: ProjectStatus;
  revision: number;
  application: Application;
  authorities: string[];
  decisions: Decision[];
  members: string[];
  createdAt: string;
  updatedAt: string;
}

const SELECT = `
  SELECT p.id, p.applicant, p.status, p.revision, p.application, p.authorities,
         p.created_at AS "createdAt", p.updated_at AS "updatedAt",
         coalesce((SELECT json_agg(json_build_object('authority', d.authority, 'decision', d.decision, 'reason', d.reason,
                     'decidedBy', d.decided_by, 'decidedAt', d.decided_at) ORDER BY d.authority)
                   FROM project_decisions d WHERE d.project_id = p.id AND d.revision = p.revision), '[]') AS decisions,
         (SELECT array_agg(m.account_id ORDER BY m.account_id) FROM project_members m WHERE m.project_id = p.id) AS members
  FROM projects p`;

function toProject(row: Project & { createdAt: Date | string; updatedAt: Date | string }): Project {
  return {
    ...row,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    members: row.members ?? [],
  };
}

export async function getProject(db: Queryable, id: string, lock = false): Promise<Project | undefined> {
  const { rows } = await db.query(`${SELECT} WHERE p.id = $1 ${lock ? 'FOR UPDATE OF p' : ''}`, [id]);
  return rows[0] && toProject(rows[0]);
}

/** Projects a caller may see: their own, those touching their authorities, or all for admins. */
export async function listProjects(
  db: Queryable,
  filter: { all: boolean; accountId: string; authorities: string[] },
): Promise<Project[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE $1 OR EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.account_id = $2)
       OR (p.status <> 'draft' AND p.authorities && $3::text[])
     ORDER BY p.created_at DESC`,
    [filter.all, filter.accountId, filter.authorities],
  );
  return rows.map(toProject);
}

export async function insertProject(
  tx: pg.PoolClient,
  applicant: string,
  application: Application,
  authorities: string[],
): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO projects (applicant, application, authorities, deletion_date) VALUES ($1, $2, $3, $4) RETURNING id`,
    [applicant, application, authorities, application.deletionDate],
  );
  const id = (rows[0] as { id: string }).id;
  await tx.query(`INSERT INTO project_members (project_id, account_id, role) VALUES ($1, $2, 'applicant')`, [
    id,
    applicant,
  ]);
  return id;
}

export async function updateApplication(
  tx: pg.PoolClient,
  id: string,
  application: Application,
  authorities: string[],
  newRevision: boolean,
): Promise<void> {
  await tx.query(
    `UPDATE projects SET application = $2, authorities = $3, deletion_date = $4, updated_at = now(),
       revision = revision + CASE WHEN $5 THEN 1 ELSE 0 END WHERE id = $1`,
    [id, application, authorities, application.deletionDate, newRevision],
  );
}

export async function setStatus(tx: pg.PoolClient, id: string, status: ProjectStatus): Promise<void> {
  await tx.query('UPDATE projects SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
}

export async function insertDecision(
  tx: pg.PoolClient,
  project: Project,
  decision: AuthorityDecision & { reason: string; decidedBy: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO project_decisions (project_id, revision, authority, decision, reason, decided_by)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      project.id,
      project.revision,
      decision.authority,
      decision.decision,
      decision.reason,
      decision.decidedBy,
    ],
  );
}

/** Approved projects whose deletion date has come, locked for the caller's transaction. */
export async function dueForExpiry(tx: pg.PoolClient, today: string): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM projects WHERE status = 'approved' AND deletion_date <= $1 FOR UPDATE SKIP LOCKED`,
    [today],
  );
  return rows.map((r) => r.id);
}

/** Projects that have ended for good (a final state): their data is to be deleted. */
export async function endedProjects(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM projects WHERE status = ANY ($1) ORDER BY id',
    [FINAL_STATUSES],
  );
  return rows.map((r) => r.id);
}

export interface RegisterFilter {
  source?: string;
  institution?: string;
  year?: number;
}

/** Every project past draft, for the public register; filters match source, institution, and active year. */
export async function listRegisteredProjects(db: Queryable, filter: RegisterFilter): Promise<Project[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE p.status <> 'draft'
       AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements(p.application->'variables') v WHERE v->>'source' = $1))
       AND ($2::text IS NULL OR p.application->>'institution' ILIKE '%' || $2 || '%')
       AND ($3::int IS NULL OR $3 BETWEEN extract(year FROM (p.application->'period'->>'from')::date)
                                    AND extract(year FROM (p.application->'period'->>'to')::date))
     ORDER BY p.created_at DESC`,
    [filter.source ?? null, filter.institution ?? null, filter.year ?? null],
  );
  return rows.map(toProject);
}
