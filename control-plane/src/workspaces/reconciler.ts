import type pg from 'pg';
import type { Logger } from 'pino';
import type { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { inTransaction } from '../db/transaction.js';
import { isKlarsynError } from '../errors.js';
import { isActive } from '../projects/status.js';
import { getProject, type Project } from '../projects/store.js';
import { outboxPrefix, workspaceGrant } from '../storage/layout.js';
import type { ObjectStore } from '../storage/object-store.js';
import { WORKSPACE_CREDENTIALS_ISSUED, WORKSPACE_REQUESTED } from './events.js';
import type { WorkspaceCa } from './identity/workspace-ca.js';
import { type DesiredState, nextStep, type Step } from './plan.js';
import type { Observation, WorkspaceRuntime, WorkspaceSpec } from './runtime.js';
import { isActiveStatus, type WorkspaceStatus } from './status.js';
import {
  getSecrets,
  getWorkspace,
  liveWorkspaceIds,
  setCertificateSerial,
  setCredentialsExpiry,
  setDesired,
  type Workspace,
} from './store.js';
import type { TemplateSet } from './templates.js';
import { changeStatus } from './transition.js';

export interface ReconcilerDeps {
  pool: pg.Pool;
  log: TransparencyLog;
  runtime: WorkspaceRuntime;
  templates: TemplateSet;
  store: ObjectStore;
  ca: WorkspaceCa;
  logger: Logger;
  provisionTimeoutMs: number;
  /** Credentials are renewed when less than this is left of them. */
  renewBeforeMs: number;
}

/** Steps of one workspace per pass; a pass ends earlier when there is nothing to do or to wait for. */
const MAX_STEPS = 12;
/** How long one pass waits for a sandbox to start before leaving it to the next pass. */
const START_WAIT_MS = 120_000;

const today = () => new Date().toISOString().slice(0, 10);
/** The states whose next step depends on what the runtime holds; the others are decided without asking it. */
const OBSERVED: WorkspaceStatus[] = ['provisioning', 'running', 'stopping'];

/**
 * Drives every workspace to its desired state: at start, on every change (kick) and periodically.
 * All it knows is in the database and the runtime, so a restart of the control plane loses
 * nothing: a half-created sandbox is applied again, an orphaned one removed.
 */
export class Reconciler {
  private readonly inflight = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(private readonly deps: ReconcilerDeps) {}

  /** Reconciles one workspace soon; calls for the same workspace run one after another. */
  kick(id: string): Promise<void> {
    const running = this.inflight.get(id);
    if (running) {
      running.again = true;
      return running.done;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = (async () => {
      do {
        entry.again = false;
        await this.reconcile(id).catch((err) =>
          this.deps.logger.warn(
            { err, workspace: id },
            'workspace reconciliation failed; retried on the next pass',
          ),
        );
      } while (entry.again);
      this.inflight.delete(id);
    })();
    this.inflight.set(id, entry);
    return entry.done;
  }

  /** One pass over everything: each live workspace, then whatever the runtime holds that nothing owns. */
  async reconcileAll(): Promise<void> {
    const ids = await liveWorkspaceIds(this.deps.pool);
    for (const id of ids) await this.kick(id);
    await this.sweepOrphans();
  }

  /** Waits for every reconciliation under way (shutdown, tests). */
  async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight.values()].map((e) => e.done));
  }

  private async sweepOrphans(): Promise<void> {
    for (const id of await this.deps.runtime.held()) {
      if (this.inflight.has(id)) continue;
      const workspace = await getWorkspace(this.deps.pool, id);
      if (workspace && isActiveStatus(workspace.status)) continue;
      this.deps.logger.warn({ workspace: id, status: workspace?.status }, 'removing an orphaned sandbox');
      await this.deps.runtime.remove(id);
    }
  }

  private async reconcile(id: string): Promise<void> {
    let previous: Step['kind'] | undefined;
    for (let i = 0; i < MAX_STEPS; i++) {
      const workspace = await getWorkspace(this.deps.pool, id);
      if (!workspace) return;
      const project = (await getProject(this.deps.pool, workspace.projectId)) as Project;
      const observed = OBSERVED.includes(workspace.status) ? await this.deps.runtime.observe(id) : undefined;
      const step = this.plan(workspace, project, observed);
      // A teardown or apply that did not change what the runtime reports is waited for by the next pass.
      if (step.kind === 'wait' || (step.kind === previous && step.kind !== 'move')) return;
      previous = step.kind;
      await this.perform(step, workspace, project);
    }
  }

  private plan(workspace: Workspace, project: Project, observed: Observation | undefined): Step {
    const template = this.deps.templates.get(workspace.template);
    const limitMinutes = template
      ? template.kind === 'batch'
        ? template.maxRuntimeMinutes
        : template.idleTimeoutMinutes
      : 0;
    return nextStep({
      status: workspace.status,
      desired: workspace.desired,
      kind: workspace.kind,
      since: Date.parse(workspace.statusChangedAt),
      lastActivity: Date.parse(workspace.lastActivityAt),
      credentialsExpireAt: workspace.credentialsExpireAt ? Date.parse(workspace.credentialsExpireAt) : null,
      limitMs: limitMinutes * 60_000,
      projectActive: isActive(project.status, project.application.deletionDate, today()),
      ...(observed ? { observed } : {}),
      now: Date.now(),
      provisionTimeoutMs: this.deps.provisionTimeoutMs,
      renewBeforeMs: this.deps.renewBeforeMs,
    });
  }

  private async perform(step: Step, workspace: Workspace, project: Project): Promise<void> {
    const { runtime } = this.deps;
    switch (step.kind) {
      case 'move':
        await this.move(workspace, step.to, step.desired, step.reason);
        // A failed workspace keeps nothing running; the orphan sweep would catch it later anyway.
        if (step.to === 'failed') await runtime.remove(workspace.id);
        return;
      case 'retire':
        return this.retire(workspace, step.reason);
      case 'apply':
        return this.apply(workspace, project);
      case 'teardown':
        return runtime.remove(workspace.id);
      case 'renew':
        return this.renew(workspace, project);
      case 'purge':
        // Results not released by now go with the workspace; restart keeps them, delete does not.
        await this.deps.store.deletePrefix(outboxPrefix(workspace.projectId, workspace.id));
        return this.move(workspace, 'deleted');
      case 'wait':
        return;
    }
  }

  private async apply(workspace: Workspace, project: Project): Promise<void> {
    const { runtime } = this.deps;
    const spec = await this.spec(workspace, project);
    let applied: { credentialsExpireAt: Date | null };
    try {
      applied = await runtime.apply(spec);
    } catch (error) {
      // Refusals (a template the runtime cannot run, objects the cluster rejects) will not heal.
      if (!isKlarsynError(error) || error.status >= 500) throw error;
      await this.move(workspace, 'failed', undefined, error.message);
      return runtime.remove(workspace.id);
    }
    await this.recordCredentials(workspace, spec, applied.credentialsExpireAt);
    const remaining = Date.parse(workspace.statusChangedAt) + this.deps.provisionTimeoutMs - Date.now();
    await runtime.awaitStarted(workspace.id, Math.max(0, Math.min(remaining, START_WAIT_MS)));
  }

  private async renew(workspace: Workspace, project: Project): Promise<void> {
    const spec = await this.spec(workspace, project);
    await this.recordCredentials(workspace, spec, await this.deps.runtime.renewCredentials(spec));
  }

  /**
   * Recorded once the sandbox holds them: from now on only this certificate is accepted (earlier
   * ones are revoked), and the log names every storage credential a sandbox could use.
   */
  private async recordCredentials(workspace: Workspace, spec: WorkspaceSpec, storageExpiry: Date | null) {
    const renewBy = Math.min(
      storageExpiry?.getTime() ?? Number.POSITIVE_INFINITY,
      spec.identity.expiresAt.getTime(),
    );
    await inTransaction(this.deps.pool, async (tx) => {
      await setCertificateSerial(tx, workspace.id, spec.identity.serial);
      await setCredentialsExpiry(tx, workspace.id, new Date(renewBy));
      if (!storageExpiry) return;
      const grant = workspaceGrant(workspace.projectId, workspace.id);
      await this.deps.log.append(
        {
          type: WORKSPACE_CREDENTIALS_ISSUED,
          actor: 'system',
          project: workspace.projectId,
          subject: `workspace:${workspace.id}`,
          details: {
            read_only: grant.readOnly,
            read_write: grant.readWrite,
            expires_at: storageExpiry.toISOString(),
          },
        },
        tx,
      );
    });
  }

  private async spec(workspace: Workspace, project: Project): Promise<WorkspaceSpec> {
    const template = this.deps.templates.get(workspace.template);
    if (!template) {
      throw new Error(`template ${workspace.template} is no longer defined`);
    }
    const secrets = await getSecrets(this.deps.pool, workspace.id);
    const notAfter = new Date(`${project.application.deletionDate}T00:00:00Z`);
    return {
      id: workspace.id,
      projectId: workspace.projectId,
      template,
      extractVersion: workspace.extractVersion,
      script: secrets.script,
      appToken: secrets.appToken,
      basePath: `/workspaces/${workspace.id}/`,
      notAfter,
      identity: this.deps.ca.issueClient(workspace.id, workspace.projectId, notAfter),
    };
  }

  /** Moves the workspace if it is still where this pass saw it; someone else's change wins otherwise. */
  private async move(
    seen: Workspace,
    to: WorkspaceStatus,
    desired?: DesiredState,
    reason?: string,
  ): Promise<void> {
    await inTransaction(this.deps.pool, async (tx) => {
      const current = await getWorkspace(tx, seen.id, true);
      if (!current || current.status !== seen.status) return;
      await changeStatus(tx, this.deps.log, current, {
        to,
        by: 'system',
        actor: 'system',
        ...(desired ? { desired } : {}),
        reason: reason ?? null,
      });
    });
  }

  private async retire(seen: Workspace, reason: string): Promise<void> {
    await inTransaction(this.deps.pool, async (tx) => {
      const current = await getWorkspace(tx, seen.id, true);
      if (!current || current.desired === 'deleted') return;
      await setDesired(tx, current.id, 'deleted', reason);
      await this.deps.log.append(
        {
          type: WORKSPACE_REQUESTED,
          actor: 'system',
          project: current.projectId,
          subject: `workspace:${current.id}`,
          details: {
            action: 'delete',
            template: current.template,
            extract_version: current.extractVersion,
            runtime: current.runtime,
          },
        },
        tx,
      );
    });
  }
}
