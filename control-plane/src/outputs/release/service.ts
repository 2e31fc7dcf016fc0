import type { Readable } from 'node:stream';
import type pg from 'pg';
import type { TransparencyLog } from '../../../../audit/store/transparency-log.js';
import type { Principal } from '../../auth/principal.js';
import { inTransaction } from '../../db/transaction.js';
import { KlarsynError } from '../../errors.js';
import { isActive } from '../../projects/status.js';
import { getProject } from '../../projects/store.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { isIndependentReviewer, viewerOf } from './access.js';
import type { NewRequest } from './authoring.js';
import * as authoring from './authoring.js';
import type { PseudonymLoader, WorkspaceExtractVersion } from './checks.js';
import { RELEASE_DOWNLOADED, RELEASE_PREVIEWED } from './events.js';
import { releasedKey, snapshotKey } from './files.js';
import { loadReleasePolicy, type ReleasePolicy } from './policy.js';
import { type FilePreview, previewOf } from './preview.js';
import * as reviewing from './reviewing.js';
import { IN_REVIEW, type ReleaseStatus } from './status.js';
import { getRequest, listRequests, type ReleaseRequest } from './store.js';
import { type RequestView, viewOf } from './view.js';
import type { VoteKind } from './votes.js';
import { account, load, loadVisible, today, type WorkflowDeps } from './workflow.js';

export type { NewRequest } from './authoring.js';

export interface ReleaseServiceOptions {
  pool: pg.Pool;
  log: TransparencyLog;
  store: ObjectStore;
  policy?: ReleasePolicy;
  /** The project's pseudonyms for the individual-level check; without it that check sees none. */
  pseudonyms?: PseudonymLoader;
  /** The extract a request's workspace was launched with; without it the project's newest. */
  workspaceExtractVersion?: WorkspaceExtractVersion;
  /** Largest file a request may hold (default MAX_FILE_BYTES): the checker reads files whole. */
  maxFileBytes?: number;
}

const QUEUE: readonly ReleaseStatus[] = [...IN_REVIEW, 'approved'];

/**
 * The release workflow. Every change of a request goes through here (authoring.ts, reviewing.ts):
 * checked against the transition table and separation of duties, written, and logged in the same
 * transaction. Each change answers with the request as the caller may now see it.
 */
export class ReleaseService {
  readonly policy: ReleasePolicy;
  private readonly deps: WorkflowDeps;

  constructor(options: ReleaseServiceOptions) {
    this.policy = options.policy ?? loadReleasePolicy();
    this.deps = { ...options, policy: this.policy };
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────────

  /** One request as the caller may see it; invisible and missing look the same. */
  async get(principal: Principal, id: string): Promise<RequestView> {
    const { request, project } = await load(this.deps, id);
    const viewer = viewerOf(principal, { ...request, members: project.members });
    if (!viewer) throw new KlarsynError('not_found', 'no such release request');
    return viewOf(request, viewer, this.policy.approvalsPerFile);
  }

  /** A project's requests: all for its members and admins, those past draft for independent reviewers. */
  async listForProject(principal: Principal, projectId: string): Promise<RequestView[]> {
    const project = await getProject(this.deps.pool, projectId);
    const member = project?.members.includes(principal.accountId) || principal.roles.includes('admin');
    if (!project || !(member || principal.roles.includes('reviewer'))) {
      throw new KlarsynError('not_found', 'no such project');
    }
    return (await listRequests(this.deps.pool, { projectId })).flatMap((r) => {
      const viewer = viewerOf(principal, { ...r, members: project.members });
      return viewer ? [viewOf(r, viewer, this.policy.approvalsPerFile)] : [];
    });
  }

  /** A reviewer's queue, oldest first: requests with the reviewers (or awaiting release) they may review. */
  async queue(principal: Principal): Promise<RequestView[]> {
    const members = new Map<string, readonly string[]>();
    const views: RequestView[] = [];
    for (const r of (await listRequests(this.deps.pool, { statuses: QUEUE })).reverse()) {
      if (!members.has(r.projectId)) {
        members.set(r.projectId, (await getProject(this.deps.pool, r.projectId))?.members ?? []);
      }
      if (isIndependentReviewer(principal, { ...r, members: members.get(r.projectId) ?? [] })) {
        views.push(
          viewOf(r, { kind: 'reviewer', accountId: principal.accountId }, this.policy.approvalsPerFile),
        );
      }
    }
    return views;
  }

  // ── the author ───────────────────────────────────────────────────────────────────────────

  /** A draft of files taken from a workspace's outbox of the project, by one of its researchers. */
  async create(principal: Principal, projectId: string, input: NewRequest): Promise<RequestView> {
    const project = await authoring.activeProjectOf(this.deps, principal, projectId);
    const id = await authoring.compose(
      this.deps,
      project,
      { author: principal.accountId, actor: account(principal) },
      input,
    );
    return this.get(principal, id);
  }

  /**
   * What `klarsyn-outbox submit` does from inside a workspace: a request by the workspace's creator,
   * composed and submitted at once (both steps logged). The caller has checked the workspace.
   */
  async submitFromOutbox(input: NewRequest & { projectId: string; author: string }): Promise<ReleaseRequest> {
    const project = await getProject(this.deps.pool, input.projectId);
    if (!project || !isActive(project.status, project.application.deletionDate, today())) {
      throw new KlarsynError('forbidden', 'the project has ended');
    }
    const by = { author: input.author, actor: `workspace:${input.workspaceId}` };
    const id = await authoring.compose(this.deps, project, by, input);
    await authoring.submit(this.deps, id, by);
    return (await getRequest(this.deps.pool, id)) as ReleaseRequest;
  }

  /** Adds a file from the outbox, or replaces the request's file of that name (its votes start over). */
  async putFile(principal: Principal, id: string, name: string): Promise<RequestView> {
    await authoring.putFile(this.deps, principal, id, name);
    return this.get(principal, id);
  }

  async removeFile(principal: Principal, id: string, fileId: string): Promise<RequestView> {
    await authoring.removeFile(this.deps, principal, id, fileId);
    return this.get(principal, id);
  }

  async edit(principal: Principal, id: string, change: { context: string }): Promise<RequestView> {
    await authoring.editContext(this.deps, principal, id, change.context);
    return this.get(principal, id);
  }

  /** Runs the automatic checks and hands the request to the reviewers. */
  async submit(principal: Principal, id: string, change: { context?: string } = {}): Promise<RequestView> {
    await authoring.submitAsAuthor(this.deps, principal, id, change.context);
    return this.get(principal, id);
  }

  async withdraw(principal: Principal, id: string): Promise<RequestView> {
    await authoring.withdraw(this.deps, principal, id);
    return this.get(principal, id);
  }

  // ── the reviewers ────────────────────────────────────────────────────────────────────────

  async vote(
    principal: Principal,
    id: string,
    input: { file: string; vote: VoteKind; comment?: string },
  ): Promise<RequestView> {
    await reviewing.vote(this.deps, principal, id, input);
    return this.get(principal, id);
  }

  /** Back to the researcher with a public comment; they may change files and submit again. */
  async returnToAuthor(principal: Principal, id: string, comment: string): Promise<RequestView> {
    await reviewing.decide(this.deps, principal, id, 'returned', comment);
    return this.get(principal, id);
  }

  async reject(principal: Principal, id: string, comment: string): Promise<RequestView> {
    await reviewing.decide(this.deps, principal, id, 'rejected', comment);
    return this.get(principal, id);
  }

  async approve(principal: Principal, id: string): Promise<RequestView> {
    await reviewing.approve(this.deps, principal, id);
    return this.get(principal, id);
  }

  async release(principal: Principal, id: string): Promise<RequestView> {
    await reviewing.release(this.deps, principal, id);
    return this.get(principal, id);
  }

  /**
   * A submitted file as the reviewers judge it (rows, text or image; bounded, CPR numbers masked),
   * for whoever may see the request; logged, since the file is not released yet.
   */
  async preview(principal: Principal, id: string, fileId: string): Promise<FilePreview> {
    const { request, project } = await loadVisible(this.deps, principal, id);
    const file = request.files.find((f) => f.id === fileId);
    if (!file) throw new KlarsynError('not_found', 'no such file in the request');
    await this.logFileAccess(RELEASE_PREVIEWED, principal, project.id, id, file);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.deps.store.get(snapshotKey(project.id, id, file.sha256))) {
      chunks.push(chunk as Buffer);
    }
    return previewOf(file.name, Buffer.concat(chunks));
  }

  // ── downloads ────────────────────────────────────────────────────────────────────────────

  /** A released file for a researcher of the project; the download is logged before a byte leaves. */
  async download(
    principal: Principal,
    id: string,
    fileId: string,
  ): Promise<{ name: string; size: number; sha256: string; body: Readable }> {
    const { request, project } = await loadVisible(this.deps, principal, id);
    if (viewerOf(principal, { ...request, members: project.members })?.kind !== 'member') {
      throw new KlarsynError('not_found', 'no such release request');
    }
    const file = request.files.find((f) => f.id === fileId);
    if (!file) throw new KlarsynError('not_found', 'no such file in the request');
    if (request.status !== 'released' || !file.releasedAt) {
      throw new KlarsynError('conflict', `${file.name} has not been released`);
    }
    await this.logFileAccess(RELEASE_DOWNLOADED, principal, project.id, id, file);
    const body = await this.deps.store.get(releasedKey(project.id, id, file.name));
    return { name: file.name, size: file.size, sha256: file.sha256, body };
  }

  /** Logs one look at a request's file (preview or download) before any byte of it is sent. */
  private async logFileAccess(
    type: typeof RELEASE_PREVIEWED | typeof RELEASE_DOWNLOADED,
    principal: Principal,
    project: string,
    id: string,
    file: { name: string; sha256: string },
  ): Promise<void> {
    await inTransaction(this.deps.pool, (tx) =>
      this.deps.log.append(
        {
          type,
          actor: account(principal),
          project,
          subject: `release:${id}`,
          details: { request: id, file: file.name, sha256: file.sha256 },
        },
        tx,
      ),
    );
  }
}
