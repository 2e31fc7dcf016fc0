import type pg from 'pg';
import type { Logger } from 'pino';
import type { TransparencyLog } from '../../../audit/store/transparency-log.js';
import type { Principal } from '../auth/principal.js';
import { loadCatalog } from '../catalog/store.js';
import { inTransaction } from '../db/transaction.js';
import { isKlarsynError, KlarsynError } from '../errors.js';
import { holdJobLock, isOrphaned } from '../leadership/job-locks.js';
import { isActive } from '../projects/status.js';
import { getProject, type Project } from '../projects/store.js';
import type { MasterKey } from '../pseudonym/master-key.js';
import { extractVersionPrefix } from '../storage/layout.js';
import type { ObjectStore } from '../storage/object-store.js';
import { unpublish } from '../storage/publication.js';
import { buildExtract } from './engine.js';
import { EXTRACT_FAILED, EXTRACT_PUBLISHED, EXTRACT_REQUESTED } from './events.js';
import type { GeneralisationPolicy } from './generalisation.js';
import { manifestBytes, sha256Hex } from './manifest.js';
import { planExtract } from './plan.js';
import { projectSecret } from './project-keys.js';
import {
  type ExtractRecord,
  getExtract,
  insertExtract,
  interruptedExtracts,
  listExtracts,
  markFailed,
  markPublished,
  setProgress,
} from './store.js';

export interface ExtractServiceDeps {
  pool: pg.Pool;
  log: TransparencyLog;
  store: ObjectStore;
  masterKey: () => Promise<MasterKey>;
  policy: GeneralisationPolicy;
  logger: Logger;
}

const today = () => new Date().toISOString().slice(0, 10);

/** Extract versions of a project: requested by a member of an active project, built as a background job. */
export class ExtractService {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: ExtractServiceDeps) {}

  /** Members of the project (and admins) may read its extracts' metadata; nobody gets rows through the API. */
  async visibleProject(principal: Principal, projectId: string): Promise<Project> {
    const project = await getProject(this.deps.pool, projectId);
    if (!project || !(project.members.includes(principal.accountId) || principal.roles.includes('admin'))) {
      throw new KlarsynError('not_found', 'no such project');
    }
    return project;
  }

  async request(principal: Principal, projectId: string): Promise<ExtractRecord> {
    const project = await this.visibleProject(principal, projectId);
    if (!project.members.includes(principal.accountId))
      throw new KlarsynError('forbidden', 'only project members make extracts');
    if (!isActive(project.status, project.application.deletionDate, today())) {
      throw new KlarsynError(
        'conflict',
        `the project is ${project.status}; extracts need an approved, unexpired project`,
      );
    }
    const record = await inTransaction(this.deps.pool, async (tx) => {
      const created = await insertExtract(tx, projectId, principal.accountId);
      await this.deps.log.append(
        {
          type: EXTRACT_REQUESTED,
          actor: `account:${principal.accountId}`,
          project: projectId,
          subject: `extract:${projectId}/v${created.version}`,
          details: { version: created.version },
        },
        tx,
      );
      return created;
    });
    // The lock says "a live process works on this" to recovery on any replica.
    const release = await holdJobLock(this.deps.pool, 'extract', record.id);
    const job = this.run(project, record)
      .finally(release)
      .finally(() => this.running.delete(job));
    this.running.add(job);
    return record;
  }

  list(projectId: string): Promise<ExtractRecord[]> {
    return listExtracts(this.deps.pool, projectId);
  }

  get(projectId: string, version: number): Promise<ExtractRecord | undefined> {
    return getExtract(this.deps.pool, projectId, version);
  }

  /** Waits for running jobs (tests, shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  /**
   * Jobs recorded as running whose process died (no one holds their lock) are failed cleanly and
   * their unpublished files removed; jobs another replica is still running are left alone.
   */
  async recoverInterrupted(): Promise<number> {
    const jobs = [];
    // A job requested a moment ago may still be taking its lock on the replica that runs it.
    for (const job of await interruptedExtracts(this.deps.pool, 30)) {
      if (await isOrphaned(this.deps.pool, 'extract', job.id)) jobs.push(job);
    }
    for (const job of jobs) {
      await this.deps.store.deletePrefix(extractVersionPrefix(job.projectId, job.version));
      await this.fail(
        job.id,
        job.projectId,
        job.version,
        'interrupted by a restart of the control plane; request a new extract',
      );
    }
    return jobs.length;
  }

  private async run(project: Project, record: ExtractRecord): Promise<void> {
    const { pool, store, log } = this.deps;
    const prefix = extractVersionPrefix(project.id, record.version);
    try {
      const catalog = await loadCatalog(pool);
      const plan = planExtract(project.application, catalog, this.deps.policy);
      const kek = await this.deps.masterKey();
      const { secret, keyVersion } = await inTransaction(pool, (tx) => projectSecret(tx, kek, project.id));
      let built: Awaited<ReturnType<typeof buildExtract>>;
      try {
        built = await buildExtract({
          plan,
          projectId: project.id,
          version: record.version,
          prefix,
          store,
          secret,
          keyVersion,
          onProgress: (stage, fraction) =>
            void setProgress(pool, record.id, stage, fraction).catch(() => undefined),
        });
      } finally {
        secret.destroy();
      }
      const bytes = manifestBytes(built.manifest);
      const manifestSha256 = sha256Hex(bytes);
      const rows = built.manifest.files.reduce((n, f) => n + f.rows, 0);
      // Log before access: the entry commits before the manifest makes the files visible.
      await inTransaction(pool, async (tx) => {
        await markPublished(tx, record.id, built.manifest, manifestSha256, rows);
        await log.append(
          {
            type: EXTRACT_PUBLISHED,
            actor: `account:${record.requestedBy}`,
            project: project.id,
            subject: `extract:${project.id}/v${record.version}`,
            details: {
              version: record.version,
              sources: plan.tables.map((t) => t.source.id),
              variables: plan.tables.flatMap((t) =>
                t.columns.map((c) => `${t.source.id}.${c.variable.name}`),
              ),
              rows,
              cohort_size: built.manifest.cohortSize,
              manifest_sha256: manifestSha256,
              key_version: keyVersion,
            },
          },
          tx,
        );
      });
      await built.publication.commit(bytes);
    } catch (e) {
      this.deps.logger.warn({ err: e, project: project.id, version: record.version }, 'extract failed');
      await unpublish(store, prefix).catch(() => undefined);
      // Our own errors are written to say what went wrong without data; anything else stays generic.
      const reason =
        isKlarsynError(e) && e.status < 500 ? e.message : 'internal error while building the extract';
      await this.fail(record.id, project.id, record.version, reason).catch(() => undefined);
    }
  }

  private async fail(id: string, projectId: string, version: number, reason: string): Promise<void> {
    await inTransaction(this.deps.pool, async (tx) => {
      await markFailed(tx, id, reason);
      await this.deps.log.append(
        {
          type: EXTRACT_FAILED,
          actor: 'system',
          project: projectId,
          subject: `extract:${projectId}/v${version}`,
          details: { version, reason },
        },
        tx,
      );
    });
  }
}
