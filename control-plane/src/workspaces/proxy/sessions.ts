import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { TransparencyLog } from '../../../../audit/store/transparency-log.js';
import type { Principal } from '../../auth/principal.js';
import { inTransaction } from '../../db/transaction.js';
import { KlarsynError } from '../../errors.js';
import { isActive } from '../../projects/status.js';
import { getProject } from '../../projects/store.js';
import { WORKSPACE_CONNECTED } from '../events.js';
import type { WorkspaceService } from '../service.js';

/** A ticket is in the URL the browser opens, so it works once and only briefly. */
const TICKET_TTL_MS = 60_000;
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const digest = (token: string) => createHash('sha256').update(token).digest();
const today = () => new Date().toISOString().slice(0, 10);

/**
 * Browser sessions for the proxy. A member asks the API for a link (logged); the link's one-time
 * ticket becomes an HttpOnly cookie scoped to that workspace's path. Every proxied request checks the
 * cookie again: the workspace still running, the account still a member of a still-active project.
 */
export class BrowserSessions {
  constructor(
    private readonly pool: pg.Pool,
    private readonly log: TransparencyLog,
    private readonly service: WorkspaceService,
  ) {}

  async open(principal: Principal, workspaceId: string): Promise<{ url: string; expiresAt: string }> {
    const workspace = await this.service.get(principal, workspaceId);
    const project = await this.service.visibleProject(principal, workspace.projectId);
    if (!project.members.includes(principal.accountId)) {
      throw new KlarsynError('forbidden', 'only project members may open a workspace');
    }
    if (workspace.status !== 'running') {
      throw new KlarsynError('conflict', `the workspace is ${workspace.status}; open it once it is running`);
    }
    const ticket = randomBytes(32).toString('base64url');
    const deletion = Date.parse(`${project.application.deletionDate}T00:00:00Z`);
    const expiresAt = new Date(Math.min(Date.now() + SESSION_TTL_MS, deletion));
    await inTransaction(this.pool, async (tx) => {
      await tx.query(
        `INSERT INTO workspace_sessions (workspace_id, account_id, ticket_hash, ticket_expires_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [workspaceId, principal.accountId, digest(ticket), new Date(Date.now() + TICKET_TTL_MS), expiresAt],
      );
      await this.log.append(
        {
          type: WORKSPACE_CONNECTED,
          actor: `account:${principal.accountId}`,
          project: workspace.projectId,
          subject: `workspace:${workspaceId}`,
          details: { session_expires_at: expiresAt.toISOString() },
        },
        tx,
      );
    });
    return {
      url: `/workspaces/${workspaceId}/?${TICKET_PARAM}=${ticket}`,
      expiresAt: expiresAt.toISOString(),
    };
  }

  /** Exchanges a ticket for a session token, once; undefined if unknown, used, expired or for another workspace. */
  async redeem(workspaceId: string, ticket: string): Promise<{ token: string; expiresAt: Date } | undefined> {
    const token = randomBytes(32).toString('base64url');
    const { rows } = await this.pool.query<{ expiresAt: Date }>(
      `UPDATE workspace_sessions SET ticket_hash = NULL, ticket_expires_at = NULL, session_hash = $3
       WHERE ticket_hash = $1 AND workspace_id = $2 AND ticket_expires_at > now() RETURNING expires_at AS "expiresAt"`,
      [digest(ticket), workspaceId, digest(token)],
    );
    return rows[0] ? { token, expiresAt: rows[0].expiresAt } : undefined;
  }

  /**
   * The account a session cookie stands for, if it may reach the workspace right now. Asked on every
   * request, so stopping the workspace or leaving the project ends access at once.
   */
  async authorize(workspaceId: string, token: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ accountId: string; projectId: string }>(
      `SELECT s.account_id AS "accountId", w.project_id AS "projectId"
       FROM workspace_sessions s JOIN workspaces w ON w.id = s.workspace_id
       WHERE s.session_hash = $1 AND s.workspace_id = $2 AND s.expires_at > now() AND w.status = 'running'`,
      [digest(token), workspaceId],
    );
    const session = rows[0];
    if (!session) return undefined;
    const project = await getProject(this.pool, session.projectId);
    const allowed =
      project?.members.includes(session.accountId) &&
      isActive(project.status, project.application.deletionDate, today());
    return allowed ? session.accountId : undefined;
  }
}

export const TICKET_PARAM = 'klarsyn-ticket';
export const SESSION_COOKIE = 'klarsyn-workspace';
