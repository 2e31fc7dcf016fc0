import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { TransparencyLog } from '../../../audit/store/transparency-log.js';
import type { Principal } from '../auth/principal.js';
import { inTransaction } from '../db/transaction.js';
import { KlarsynError } from '../errors.js';
import { listExtracts } from '../extracts/store.js';
import { isActive } from '../projects/status.js';
import { getProject, type Project } from '../projects/store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { WORKSPACE_REQUESTED } from './events.js';
import { listOutbox, type OutboxFile } from './outbox-files.js';
import type { Reconciler } from './reconciler.js';
import type { WorkspaceRuntime } from './runtime.js';
import type { WorkspaceActor } from './status.js';
import {
  countActive,
  getWorkspace,
  insertWorkspace,
  listWorkspaces,
  setDesired,
  type Workspace,
} from './store.js';
import { type TemplateSet, templateOf } from './templates.js';
import { changeStatus } from './transition.js';

export interface LaunchRequest {
  template: string;
  /** Default: the newest published extract version. */
  extractVersion?: number;
  /** Batch templates only: the script to run, starting with #! naming its interpreter. */
  script?: string;
}

export interface WorkspaceServiceDeps {
  pool: pg.Pool;
  log: TransparencyLog;
  runtime: WorkspaceRuntime;
  templates: TemplateSet;
  /** Only kick: the reconciler may run on another replica (the leader). */
  reconciler: Pick<Reconciler, 'kick'>;
  store: ObjectStore;
  maxActivePerProject: number;
}

const today = () => new Date().toISOString().slice(0, 10);
const actorOf = (p: Principal) => `account:${p.accountId}`;
type Action = 'launch' | 'restart' | 'stop' | 'delete';

/**
 * What people do with workspaces. Each action checks who may do it and whether it fits the
 * workspace's state, records it with its log entry in one transaction, and leaves the work to the
 * reconciler, so a refused request changes nothing and an accepted one survives a restart.
 */
export class WorkspaceService {
  constructor(private readonly deps: WorkspaceServiceDeps) {}

  get templates(): TemplateSet {
    return this.deps.templates;
  }

  async launch(principal: Principal, projectId: string, request: LaunchRequest): Promise<Workspace> {
    const project = await this.visibleProject(principal, projectId);
    this.assertMember(principal, project, 'launch');
    this.assertActive(project);
    const template = templateOf(this.deps.templates, request.template);
    if (template.kind === 'batch' && !request.script) {
      throw new KlarsynError('validation_failed', `the ${template.name} template runs a script: send one`);
    }
    if (template.kind !== 'batch' && request.script !== undefined) {
      throw new KlarsynError(
        'validation_failed',
        `the ${template.name} template is interactive and runs no script`,
      );
    }
    if (request.script !== undefined && !request.script.startsWith('#!')) {
      throw new KlarsynError(
        'validation_failed',
        'a script starts with #! naming its interpreter, e.g. #!/usr/bin/env python3',
      );
    }
    const extractVersion = await this.publishedExtract(projectId, request.extractVersion);
    await this.deps.runtime.checkTemplate(template);
    const workspace = await inTransaction(this.deps.pool, async (tx) => {
      await this.assertQuota(tx, projectId);
      const created = await insertWorkspace(tx, {
        projectId,
        template: template.name,
        kind: template.kind,
        runtime: this.deps.runtime.kind,
        extractVersion,
        script: request.script ?? null,
        appToken: randomBytes(32).toString('base64url'),
        createdBy: principal.accountId,
      });
      await this.logAction(tx, principal, created, 'launch', request.script);
      return created;
    });
    void this.deps.reconciler.kick(workspace.id);
    return workspace;
  }

  async list(principal: Principal, projectId: string, withDeleted: boolean): Promise<Workspace[]> {
    await this.visibleProject(principal, projectId);
    return listWorkspaces(this.deps.pool, projectId, withDeleted);
  }

  async get(principal: Principal, id: string): Promise<Workspace> {
    const workspace = await getWorkspace(this.deps.pool, id);
    if (!workspace) throw new KlarsynError('not_found', 'no such workspace');
    await this.visibleProject(principal, workspace.projectId).catch(() => {
      throw new KlarsynError('not_found', 'no such workspace');
    });
    return workspace;
  }

  /** The files in the workspace's outbox (names and sizes, never contents), to compose a release request. */
  async outbox(principal: Principal, id: string): Promise<OutboxFile[]> {
    const workspace = await this.get(principal, id);
    return listOutbox(this.deps.store, workspace.projectId, workspace.id);
  }

  /** Stops the sandbox; the outbox stays, and a restart starts a fresh sandbox on it. */
  async stop(principal: Principal, id: string): Promise<Workspace> {
    return this.act(principal, id, 'stop', async (tx, workspace, by) => {
      await changeStatus(tx, this.deps.log, workspace, {
        to: 'stopping',
        by,
        actor: actorOf(principal),
        desired: 'stopped',
        reason: null,
      });
    });
  }

  async restart(principal: Principal, id: string): Promise<Workspace> {
    const seen = await this.get(principal, id);
    const project = (await getProject(this.deps.pool, seen.projectId)) as Project;
    this.assertMember(principal, project, 'restart');
    this.assertActive(project);
    await this.deps.runtime.checkTemplate(templateOf(this.deps.templates, seen.template));
    return this.act(principal, id, 'restart', async (tx, workspace, by) => {
      await this.assertQuota(tx, workspace.projectId);
      await changeStatus(tx, this.deps.log, workspace, {
        to: 'requested',
        by,
        actor: actorOf(principal),
        desired: 'running',
      });
    });
  }

  /** Stops the sandbox if it runs, then removes the workspace and its outbox for good. */
  async delete(principal: Principal, id: string): Promise<Workspace> {
    return this.act(principal, id, 'delete', async (tx, workspace, by) => {
      if (workspace.status === 'deleted')
        throw new KlarsynError('conflict', 'the workspace is already deleted');
      if (['requested', 'provisioning', 'running'].includes(workspace.status)) {
        await changeStatus(tx, this.deps.log, workspace, {
          to: 'stopping',
          by,
          actor: actorOf(principal),
          desired: 'deleted',
        });
      } else {
        await setDesired(tx, workspace.id, 'deleted', null);
      }
    });
  }

  /** Members of the project, and admins, see its workspaces; everyone else learns nothing. */
  async visibleProject(principal: Principal, projectId: string): Promise<Project> {
    const project = await getProject(this.deps.pool, projectId);
    if (!project || !(project.members.includes(principal.accountId) || principal.roles.includes('admin'))) {
      throw new KlarsynError('not_found', 'no such project');
    }
    return project;
  }

  private async act(
    principal: Principal,
    id: string,
    action: Action,
    change: (tx: pg.PoolClient, workspace: Workspace, by: WorkspaceActor) => Promise<void>,
  ): Promise<Workspace> {
    await this.get(principal, id);
    const updated = await inTransaction(this.deps.pool, async (tx) => {
      const workspace = (await getWorkspace(tx, id, true)) as Workspace;
      const project = (await getProject(tx, workspace.projectId)) as Project;
      const by = this.actorFor(principal, project, action);
      await change(tx, workspace, by);
      await this.logAction(tx, principal, workspace, action);
      return (await getWorkspace(tx, id)) as Workspace;
    });
    void this.deps.reconciler.kick(id);
    return updated;
  }

  /** Members act on their project's workspaces; admins may only stop and delete them. */
  private actorFor(principal: Principal, project: Project, action: Action): WorkspaceActor {
    if (project.members.includes(principal.accountId)) return 'member';
    if (principal.roles.includes('admin') && (action === 'stop' || action === 'delete')) return 'admin';
    throw new KlarsynError('forbidden', `only project members may ${action} a workspace`);
  }

  private assertMember(principal: Principal, project: Project, action: Action): void {
    if (!project.members.includes(principal.accountId)) {
      throw new KlarsynError('forbidden', `only project members may ${action} a workspace`);
    }
  }

  private assertActive(project: Project): void {
    if (!isActive(project.status, project.application.deletionDate, today())) {
      throw new KlarsynError(
        'conflict',
        `the project is ${project.status === 'approved' ? 'past its deletion date' : project.status}; workspaces need an approved, unexpired project`,
      );
    }
  }

  private async assertQuota(tx: pg.PoolClient, projectId: string): Promise<void> {
    // The project row's lock makes two simultaneous launches count each other.
    await tx.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
    const active = await countActive(tx, projectId);
    if (active >= this.deps.maxActivePerProject) {
      throw new KlarsynError(
        'conflict',
        `the project already has ${active} active workspaces, its quota; stop one first`,
        { details: { active, quota: this.deps.maxActivePerProject } },
      );
    }
  }

  private async publishedExtract(projectId: string, wanted: number | undefined): Promise<number> {
    const published = (await listExtracts(this.deps.pool, projectId)).filter((e) => e.status === 'published');
    if (published.length === 0) {
      throw new KlarsynError('conflict', 'the project has no published extract yet; request one first');
    }
    if (wanted === undefined) return Math.max(...published.map((e) => e.version));
    if (!published.some((e) => e.version === wanted)) {
      throw new KlarsynError(
        'validation_failed',
        `extract version ${wanted} is not published for this project`,
      );
    }
    return wanted;
  }

  private async logAction(
    tx: pg.PoolClient,
    principal: Principal,
    workspace: Workspace,
    action: Action,
    script?: string,
  ): Promise<void> {
    await this.deps.log.append(
      {
        type: WORKSPACE_REQUESTED,
        actor: actorOf(principal),
        project: workspace.projectId,
        subject: `workspace:${workspace.id}`,
        details: {
          action,
          template: workspace.template,
          extract_version: workspace.extractVersion,
          runtime: workspace.runtime,
          ...(script ? { script_sha256: createHash('sha256').update(script).digest('hex') } : {}),
        },
      },
      tx,
    );
  }
}
