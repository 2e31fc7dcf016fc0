import type pg from 'pg';
import type { TransparencyLog } from '../../../audit/store/transparency-log.js';
import type { Principal } from '../auth/principal.js';
import { loadCatalog } from '../catalog/store.js';
import { inTransaction } from '../db/transaction.js';
import { KlarsynError } from '../errors.js';
import {
  type Application,
  checkApplication,
  involvedAuthorities,
  statusAfterDecisions,
} from './application.js';
import { PROJECT_DECISION, PROJECT_STATUS_CHANGED, PROJECT_SUBMITTED } from './events.js';
import { assertTransition, type ProjectActor, type ProjectStatus } from './status.js';
import {
  dueForExpiry,
  getProject,
  insertDecision,
  insertProject,
  type Project,
  setStatus,
  updateApplication,
} from './store.js';

const today = () => new Date().toISOString().slice(0, 10);
const actorOf = (p: Principal) => `account:${p.accountId}`;

/**
 * Every change of an application goes through here: checked against the transition table and the
 * caller's role, written, and logged in the same transaction.
 */
export class ProjectWorkflow {
  constructor(
    private readonly pool: pg.Pool,
    private readonly log: TransparencyLog,
  ) {}

  async create(principal: Principal, application: Application): Promise<Project> {
    return inTransaction(this.pool, async (tx) => {
      const catalog = await loadCatalog(tx);
      checkApplication(application, catalog, today());
      const id = await insertProject(
        tx,
        principal.accountId,
        application,
        involvedAuthorities(application, catalog),
      );
      return (await getProject(tx, id)) as Project;
    });
  }

  /** Edits a draft in place; any later change is a new revision that must be approved again. */
  async amend(principal: Principal, id: string, application: Application): Promise<Project> {
    return this.change(id, async (tx, project) => {
      this.assertApplicant(principal, project);
      const catalog = await loadCatalog(tx);
      checkApplication(application, catalog, today());
      const authorities = involvedAuthorities(application, catalog);
      if (project.status === 'draft') {
        await updateApplication(tx, id, application, authorities, false);
        return;
      }
      assertTransition(project.status, 'submitted', 'applicant');
      await updateApplication(tx, id, application, authorities, true);
      const amended = (await getProject(tx, id)) as Project;
      await this.moveTo(tx, amended, 'submitted', 'applicant', actorOf(principal));
      await this.logSubmission(tx, amended, actorOf(principal));
    });
  }

  async submit(principal: Principal, id: string): Promise<Project> {
    return this.change(id, async (tx, project) => {
      this.assertApplicant(principal, project);
      await this.moveTo(tx, project, 'submitted', 'applicant', actorOf(principal));
      await this.logSubmission(tx, project, actorOf(principal));
    });
  }

  async withdraw(principal: Principal, id: string): Promise<Project> {
    return this.change(id, async (tx, project) => {
      this.assertApplicant(principal, project);
      await this.moveTo(tx, project, 'withdrawn', 'applicant', actorOf(principal));
    });
  }

  /** A steward decides for one authority; the applicant never decides on their own application. */
  async decide(
    principal: Principal,
    id: string,
    input: { authority?: string; decision: 'approved' | 'rejected'; reason: string },
  ): Promise<Project> {
    return this.change(id, async (tx, project) => {
      if (project.members.includes(principal.accountId)) {
        throw new KlarsynError('forbidden', 'you cannot decide on an application you are part of');
      }
      const mine = project.authorities.filter((a) => principal.authorities.includes(a));
      const authority = input.authority ?? (mine.length === 1 ? mine[0] : undefined);
      if (!authority)
        throw new KlarsynError('validation_failed', `name the authority you decide for (${mine.join(', ')})`);
      if (!mine.includes(authority))
        throw new KlarsynError('forbidden', `you are not a steward of ${authority} for this project`);
      if (!['submitted', 'partially_approved'].includes(project.status)) {
        throw new KlarsynError('conflict', `a ${project.status} application is not awaiting decisions`);
      }
      if (project.decisions.some((d) => d.authority === authority)) {
        throw new KlarsynError(
          'conflict',
          `${authority} has already decided on revision ${project.revision}`,
        );
      }
      await insertDecision(tx, project, {
        authority,
        decision: input.decision,
        reason: input.reason,
        decidedBy: principal.accountId,
      });
      await this.log.append(
        {
          type: PROJECT_DECISION,
          actor: actorOf(principal),
          project: project.id,
          subject: `project:${project.id}`,
          details: { revision: project.revision, authority, decision: input.decision, reason: input.reason },
        },
        tx,
      );
      const next = statusAfterDecisions(project.authorities, [
        ...project.decisions,
        { authority, decision: input.decision },
      ]);
      if (next !== project.status) await this.moveTo(tx, project, next, 'steward', actorOf(principal));
    });
  }

  /** Ends approved projects whose deletion date has come; run periodically. Returns the ids expired. */
  async expireDue(day = today()): Promise<string[]> {
    return inTransaction(this.pool, async (tx) => {
      const ids = await dueForExpiry(tx, day);
      for (const id of ids)
        await this.moveTo(tx, (await getProject(tx, id)) as Project, 'expired', 'system', 'system');
      return ids;
    });
  }

  private async change(
    id: string,
    fn: (tx: pg.PoolClient, project: Project) => Promise<void>,
  ): Promise<Project> {
    return inTransaction(this.pool, async (tx) => {
      const project = await getProject(tx, id, true);
      if (!project) throw new KlarsynError('not_found', 'no such project');
      await fn(tx, project);
      return (await getProject(tx, id)) as Project;
    });
  }

  private assertApplicant(principal: Principal, project: Project): void {
    if (project.applicant !== principal.accountId)
      throw new KlarsynError('forbidden', 'only the applicant may do this');
  }

  private async moveTo(
    tx: pg.PoolClient,
    project: Project,
    to: ProjectStatus,
    by: ProjectActor,
    actor: string,
  ): Promise<void> {
    assertTransition(project.status, to, by);
    await setStatus(tx, project.id, to);
    await this.log.append(
      {
        type: PROJECT_STATUS_CHANGED,
        actor,
        project: project.id,
        subject: `project:${project.id}`,
        details: { from: project.status, to, revision: project.revision },
      },
      tx,
    );
  }

  private async logSubmission(tx: pg.PoolClient, project: Project, actor: string): Promise<void> {
    const a = project.application;
    await this.log.append(
      {
        type: PROJECT_SUBMITTED,
        actor,
        project: project.id,
        subject: `project:${project.id}`,
        details: {
          revision: project.revision,
          title: a.title,
          purpose: a.purpose,
          institution: a.institution,
          legal_basis: a.legalBasis,
          authorities: project.authorities,
          variables: a.variables.map((v) => `${v.source}.${v.variable}`),
          period: a.period,
          deletion_date: a.deletionDate,
        },
      },
      tx,
    );
  }
}
