import type pg from 'pg';
import type { DesiredState } from './plan.js';
import type { WorkspaceStatus } from './status.js';

type Queryable = pg.Pool | pg.PoolClient;

export interface Workspace {
  id: string;
  projectId: string;
  template: string;
  kind: 'interactive' | 'batch';
  runtime: 'local' | 'kubernetes';
  extractVersion: number;
  status: WorkspaceStatus;
  desired: DesiredState;
  reason: string | null;
  createdBy: string;
  createdAt: string;
  statusChangedAt: string;
  lastActivityAt: string;
  credentialsExpireAt: string | null;
}

/** The parts only the control plane itself sees: never in an API response. */
export interface WorkspaceSecrets {
  script: string | null;
  appToken: string;
}

const COLUMNS = `id, project_id AS "projectId", template, kind, runtime, extract_version AS "extractVersion",
  status, desired, reason, created_by AS "createdBy", created_at AS "createdAt",
  status_changed_at AS "statusChangedAt", last_activity_at AS "lastActivityAt",
  credentials_expire_at AS "credentialsExpireAt"`;

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

function toWorkspace(row: Record<string, unknown>): Workspace {
  return {
    ...(row as unknown as Workspace),
    createdAt: iso(row.createdAt) as string,
    statusChangedAt: iso(row.statusChangedAt) as string,
    lastActivityAt: iso(row.lastActivityAt) as string,
    credentialsExpireAt: iso(row.credentialsExpireAt),
  };
}

export interface NewWorkspace {
  projectId: string;
  template: string;
  kind: 'interactive' | 'batch';
  runtime: 'local' | 'kubernetes';
  extractVersion: number;
  script: string | null;
  appToken: string;
  createdBy: string;
}

export async function insertWorkspace(tx: pg.PoolClient, w: NewWorkspace): Promise<Workspace> {
  const { rows } = await tx.query(
    `INSERT INTO workspaces (project_id, template, kind, runtime, extract_version, script, app_token, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [w.projectId, w.template, w.kind, w.runtime, w.extractVersion, w.script, w.appToken, w.createdBy],
  );
  return toWorkspace(rows[0]);
}

export async function getWorkspace(db: Queryable, id: string, lock = false): Promise<Workspace | undefined> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM workspaces WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? toWorkspace(rows[0]) : undefined;
}

export async function getSecrets(db: Queryable, id: string): Promise<WorkspaceSecrets> {
  const { rows } = await db.query('SELECT script, app_token AS "appToken" FROM workspaces WHERE id = $1', [
    id,
  ]);
  return rows[0];
}

/** A project's workspaces, newest first; deleted ones only when asked for. */
export async function listWorkspaces(
  db: Queryable,
  projectId: string,
  withDeleted: boolean,
): Promise<Workspace[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM workspaces WHERE project_id = $1 AND ($2 OR status <> 'deleted') ORDER BY created_at DESC`,
    [projectId, withDeleted],
  );
  return rows.map(toWorkspace);
}

/** Workspaces that hold or may soon hold a sandbox: what the project's quota counts. */
export async function countActive(tx: pg.PoolClient, projectId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM workspaces
     WHERE project_id = $1 AND status IN ('requested', 'provisioning', 'running', 'stopping')`,
    [projectId],
  );
  return rows[0]?.n ?? 0;
}

/** Every workspace the reconciler looks after: all but the deleted. */
export async function liveWorkspaceIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM workspaces WHERE status <> 'deleted' ORDER BY created_at`,
  );
  return rows.map((r) => r.id);
}

export async function setStatus(
  tx: pg.PoolClient,
  id: string,
  change: { status: WorkspaceStatus; desired: DesiredState; reason: string | null; resetActivity: boolean },
): Promise<void> {
  await tx.query(
    `UPDATE workspaces SET status = $2, desired = $3, reason = $4, status_changed_at = now(),
       last_activity_at = CASE WHEN $5 THEN now() ELSE last_activity_at END WHERE id = $1`,
    [id, change.status, change.desired, change.reason, change.resetActivity],
  );
}

export async function setDesired(
  tx: pg.PoolClient,
  id: string,
  desired: DesiredState,
  reason: string | null,
) {
  await tx.query('UPDATE workspaces SET desired = $2, reason = coalesce($3, reason) WHERE id = $1', [
    id,
    desired,
    reason,
  ]);
}

export async function setCredentialsExpiry(db: Queryable, id: string, expiresAt: Date | null): Promise<void> {
  await db.query('UPDATE workspaces SET credentials_expire_at = $2 WHERE id = $1', [id, expiresAt]);
}

/** Browser traffic seen by the proxy; batched by the caller so a busy session costs one write a minute. */
export async function touchActivity(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length > 0)
    await db.query('UPDATE workspaces SET last_activity_at = now() WHERE id = ANY($1)', [ids]);
}

/** From now on only this certificate identifies the workspace; earlier ones are refused. */
export async function setCertificateSerial(db: Queryable, id: string, serial: string): Promise<void> {
  await db.query('UPDATE workspaces SET client_certificate_serial = $2 WHERE id = $1', [id, serial]);
}

/** The running workspace whose current certificate has this serial, if any. */
export async function workspaceByCertificate(
  db: Queryable,
  id: string,
  serial: string,
): Promise<Workspace | undefined> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM workspaces WHERE id = $1 AND client_certificate_serial = $2 AND status = 'running'`,
    [id, serial],
  );
  return rows[0] ? toWorkspace(rows[0]) : undefined;
}
