import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type pg from 'pg';
import type { TransparencyLog } from '../../../../audit/store/transparency-log.js';
import type { Principal } from '../../auth/principal.js';
import { inTransaction } from '../../db/transaction.js';
import { KlarsynError } from '../../errors.js';
import { isActive } from '../../projects/status.js';
import { getProject, type Project } from '../../projects/store.js';
import { releasePrefix } from '../../storage/layout.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { assertAuthor, assertIndependentReviewer, isIndependentReviewer, viewerOf } from './access.js';
import { type PseudonymLoader, runChecks } from './checks.js';
import {
  RELEASE_CHECKED,
  RELEASE_DOWNLOADED,
  RELEASE_FILES_CHANGED,
  RELEASE_RELEASED,
  RELEASE_VOTED,
} from './events.js';
import { MAX_FILES, outboxMetadata, releasedKey, snapshotKey, takeFromOutbox } from './files.js';
import { loadReleasePolicy, type ReleasePolicy } from './policy.js';
import { IN_REVIEW, isEditable, type ReleaseStatus } from './status.js';
import type { ReleaseRequest, StoredFile } from './store.js';
import * as db from './store.js';
import { changeStatus } from './transition.js';
import { type RequestView, viewOf } from './view.js';
import { approvalProblems, statusAfterVotes, type VoteKind, voteProblem } from './votes.js';

export interface ReleaseServiceOptions {
  pool: pg.Pool;
  log: TransparencyLog;
  store: ObjectStore;
  policy?: ReleasePolicy;
  /** The project's pseudonyms for the individual-level check; without it that check sees none. */
  pseudonyms?: PseudonymLoader;
  /** Largest file a request may hold (default MAX_FILE_BYTES): the checker reads files whole. */
  maxFileBytes?: number;
}

export interface NewRequest {
  workspaceId: string;
  files: string[];
  context: string;
}

const today = () => new Date().toISOString().slice(0, 10);
const account = (p: Principal) => `account:${p.accountId}`;
const QUEUE: readonly ReleaseStatus[] = [...IN_REVIEW, 'approved'];

/**
 * The release workflow. Every change of a request goes through here: checked against the
 * transition table and separation of duties, written, and logged in the same transaction.
 */
export class ReleaseService {
  readonly policy: ReleasePolicy;

  constructor(private readonly deps: ReleaseServiceOptions) {
    this.policy = deps.policy ?? loadReleasePolicy();
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────────

  /** One request as the caller may see it; invisible and missing look the same. */
  async get(principal: Principal, id: string): Promise<RequestView> {
    const { request, project } = await this.load(id);
    const viewer = viewerOf(principal, { ...request, members: project.members });
    if (!viewer) throw new KlarsynError('not_found', 'no such release request');
    return viewOf(request, viewer, this.policy.approvalsPerFile);
  }

  /** A project's requests: all for its members and admins, those past draft for independent reviewers. */
  async listForProject(principal: Principal, projectId: string): Promise<RequestView[]> {
    const project = await getProject(this.deps.pool, projectId);
    if (!project) throw new KlarsynError('not_found', 'no such project');
    const views = (await db.listRequests(this.deps.pool, { projectId })).flatMap((r) => {
      const viewer = viewerOf(principal, { ...r, members: project.members });
      return viewer ? [viewOf(r, viewer, this.policy.approvalsPerFile)] : [];
    });
    const member = project.members.includes(principal.accountId) || principal.roles.includes('admin');
    if (!member && !principal.roles.includes('reviewer'))
      throw new KlarsynError('not_found', 'no such project');
    return views;
  }

  /** A reviewer's queue: requests with the reviewers (or approved, awaiting release) they may review. */
  async queue(principal: Principal): Promise<RequestView[]> {
    const requests = await db.listRequests(this.deps.pool, { statuses: QUEUE });
    const members = new Map<string, readonly string[]>();
    const views: RequestView[] = [];
    for (const r of requests.reverse()) {
      if (!members.has(r.projectId))
        members.set(r.projectId, (await getProject(this.deps.pool, r.projectId))?.members ?? []);
      const parties = { ...r, members: members.get(r.projectId) ?? [] };
      if (isIndependentReviewer(principal, parties)) {
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
    const project = await this.activeProjectOf(principal, projectId);
    const id = await this.compose(project, principal.accountId, account(principal), input);
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
    const actor = `workspace:${input.workspaceId}`;
    const id = await this.compose(project, input.author, actor, input);
    await this.submitAs(id, input.author, actor);
    return (await db.getRequest(this.deps.pool, id)) as ReleaseRequest;
  }

  /** Adds a file from the outbox, or replaces the request's file of that name (its votes start over). */
  async putFile(principal: Principal, id: string, name: string): Promise<RequestView> {
    const { request, project } = await this.editable(principal, id);
    const at = { projectId: project.id, workspaceId: request.workspaceId, requestId: id };
    const names = [...new Set([...request.files.map((f) => f.name), name])];
    if (names.length > MAX_FILES)
      throw new KlarsynError('validation_failed', `a request holds at most ${MAX_FILES} files`);
    const stored = await takeFromOutbox(this.deps.store, at, name, this.deps.maxFileBytes);
    const metadata = await outboxMetadata(this.deps.store, at, names);
    await this.change(id, async (tx, locked) => {
      this.assertStillEditable(locked);
      await db.updateDraft(tx, id, { metadata });
      await this.addFiles(tx, locked, [stored], [], account(principal));
    });
    return this.get(principal, id);
  }

  async removeFile(principal: Principal, id: string, fileId: string): Promise<RequestView> {
    const { request } = await this.editable(principal, id);
    const file = request.files.find((f) => f.id === fileId);
    if (!file) throw new KlarsynError('not_found', 'no such file in the request');
    await this.change(id, async (tx, locked) => {
      this.assertStillEditable(locked);
      await db.removeFile(tx, id, file.name);
      await this.addFiles(tx, locked, [], [file.name], account(principal));
    });
    return this.get(principal, id);
  }

  async edit(principal: Principal, id: string, change: { context: string }): Promise<RequestView> {
    await this.editable(principal, id);
    await this.change(id, async (tx, locked) => {
      this.assertStillEditable(locked);
      await db.updateDraft(tx, id, { context: change.context });
    });
    return this.get(principal, id);
  }

  /** Runs the automatic checks and hands the request to the reviewers. */
  async submit(principal: Principal, id: string, change: { context?: string } = {}): Promise<RequestView> {
    const { request } = await this.editable(principal, id);
    if (change.context !== undefined) {
      await this.change(id, async (tx, locked) => {
        this.assertStillEditable(locked);
        await db.updateDraft(tx, id, { context: change.context as string });
      });
    }
    await this.submitAs(id, request.author, account(principal));
    return this.get(principal, id);
  }

  async withdraw(principal: Principal, id: string): Promise<RequestView> {
    const { request, project } = await this.load(id);
    this.assertVisible(principal, request, project);
    await this.change(id, async (tx, locked) => {
      assertAuthor(principal, locked);
      await changeStatus(tx, this.deps.log, locked, {
        to: 'withdrawn',
        by: 'author',
        actor: account(principal),
      });
    });
    return this.get(principal, id);
  }

  // ── the reviewers ────────────────────────────────────────────────────────────────────────

  /** One reviewer's vote on one file; the request moves on when the votes say so. */
  async vote(
    principal: Principal,
    id: string,
    input: { file: string; vote: VoteKind; comment?: string },
  ): Promise<RequestView> {
    await this.reviewable(principal, id);
    await this.change(id, async (tx, locked, project) => {
      assertIndependentReviewer(principal, { ...locked, members: project.members });
      if (!(IN_REVIEW as readonly string[]).includes(locked.status)) {
        throw new KlarsynError(
          'conflict',
          `a ${locked.status.replace('_', ' ')} release request takes no votes`,
        );
      }
      const file = locked.files.find((f) => f.name === input.file);
      if (!file) throw new KlarsynError('validation_failed', `${input.file} is not a file of this request`);
      const comment = input.comment ?? '';
      const problem = voteProblem(file, input.vote, comment);
      if (problem)
        throw new KlarsynError(file.verdict === 'block' ? 'conflict' : 'validation_failed', problem);
      await db.upsertVote(tx, id, {
        file: file.name,
        revision: file.revision,
        reviewer: principal.accountId,
        vote: input.vote,
        comment,
      });
      await this.deps.log.append(
        {
          type: RELEASE_VOTED,
          actor: account(principal),
          project: locked.projectId,
          subject: `release:${id}`,
          details: {
            request: id,
            file: file.name,
            revision: file.revision,
            sha256: file.sha256,
            vote: input.vote,
          },
        },
        tx,
      );
      await this.followVotes(tx, id, 'system');
    });
    return this.get(principal, id);
  }

  /** Back to the researcher with a public comment; they may change files and submit again. */
  async returnToAuthor(principal: Principal, id: string, comment: string): Promise<RequestView> {
    return this.decide(principal, id, 'returned', comment);
  }

  async reject(principal: Principal, id: string, comment: string): Promise<RequestView> {
    return this.decide(principal, id, 'rejected', comment);
  }

  /** After the blind phase: every file has N approvals, none has changes requested, none is blocked. */
  async approve(principal: Principal, id: string): Promise<RequestView> {
    await this.reviewable(principal, id);
    await this.change(id, async (tx, locked, project) => {
      assertIndependentReviewer(principal, { ...locked, members: project.members });
      if (locked.status === 'reviewed') {
        const problems = approvalProblems(locked.files, locked.votes, this.policy.approvalsPerFile);
        if (problems.length > 0) {
          throw new KlarsynError('conflict', `the request cannot be approved: ${problems.join('; ')}`, {
            details: { problems },
          });
        }
      }
      await changeStatus(tx, this.deps.log, locked, {
        to: 'approved',
        by: 'reviewer',
        actor: account(principal),
      });
    });
    return this.get(principal, id);
  }

  /** Copies the approved files to the release area and records their hashes, publicly. */
  async release(principal: Principal, id: string): Promise<RequestView> {
    const { request, project } = await this.reviewable(principal, id);
    assertIndependentReviewer(principal, { ...request, members: project.members });
    if (request.status !== 'approved') {
      throw new KlarsynError(
        'conflict',
        `a ${request.status.replace('_', ' ')} release request cannot be released`,
      );
    }
    if (!isActive(project.status, project.application.deletionDate, today())) {
      throw new KlarsynError(
        'conflict',
        `the project is ${project.status}; nothing is released from an ended project`,
      );
    }
    // Defence in depth: the approval already required this, and nothing changes files after it.
    const problems = approvalProblems(request.files, request.votes, this.policy.approvalsPerFile);
    if (problems.length > 0)
      throw new KlarsynError('conflict', `the request cannot be released: ${problems.join('; ')}`);
    for (const f of request.files) {
      const body = await this.deps.store.get(snapshotKey(project.id, id, f.sha256));
      await this.deps.store.put(releasedKey(project.id, id, f.name), body, { sha256: f.sha256 });
    }
    await this.change(id, async (tx, locked) => {
      if (
        locked.files.map((f) => `${f.name}@${f.revision}`).join() !==
        request.files.map((f) => `${f.name}@${f.revision}`).join()
      ) {
        throw new KlarsynError('conflict', 'the request changed while its files were copied; try again');
      }
      await changeStatus(tx, this.deps.log, locked, {
        to: 'released',
        by: 'reviewer',
        actor: account(principal),
      });
      await db.markReleased(tx, id);
      await this.deps.log.append(
        {
          type: RELEASE_RELEASED,
          actor: account(principal),
          project: project.id,
          subject: `release:${id}`,
          details: {
            request: id,
            files: locked.files.map((f) => ({
              name: f.name,
              revision: f.revision,
              size: f.size,
              sha256: f.sha256,
            })),
          },
        },
        tx,
      );
    });
    return this.get(principal, id);
  }

  // ── downloads ────────────────────────────────────────────────────────────────────────────

  /** A released file for a researcher of the project; the download is logged before a byte leaves. */
  async download(
    principal: Principal,
    id: string,
    fileId: string,
  ): Promise<{ name: string; size: number; sha256: string; body: Readable }> {
    const { request, project } = await this.load(id);
    const viewer = viewerOf(principal, { ...request, members: project.members });
    if (viewer?.kind !== 'member') throw new KlarsynError('not_found', 'no such release request');
    const file = request.files.find((f) => f.id === fileId);
    if (!file) throw new KlarsynError('not_found', 'no such file in the request');
    if (request.status !== 'released' || !file.releasedAt) {
      throw new KlarsynError('conflict', `${file.name} has not been released`);
    }
    await inTransaction(this.deps.pool, (tx) =>
      this.deps.log.append(
        {
          type: RELEASE_DOWNLOADED,
          actor: account(principal),
          project: project.id,
          subject: `release:${id}`,
          details: { request: id, file: file.name, sha256: file.sha256 },
        },
        tx,
      ),
    );
    const body = await this.deps.store.get(releasedKey(project.id, id, file.name));
    return { name: file.name, size: file.size, sha256: file.sha256, body };
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────

  private async compose(project: Project, author: string, actor: string, input: NewRequest): Promise<string> {
    const names = [...new Set(input.files)];
    if (names.length === 0) throw new KlarsynError('validation_failed', 'name at least one file');
    if (names.length > MAX_FILES)
      throw new KlarsynError('validation_failed', `a request holds at most ${MAX_FILES} files`);
    const id = randomUUID();
    const at = { projectId: project.id, workspaceId: input.workspaceId, requestId: id };
    try {
      const stored: StoredFile[] = [];
      for (const name of names)
        stored.push(await takeFromOutbox(this.deps.store, at, name, this.deps.maxFileBytes));
      const metadata = await outboxMetadata(this.deps.store, at, names);
      await inTransaction(this.deps.pool, async (tx) => {
        await db.insertRequest(tx, {
          id,
          projectId: project.id,
          workspaceId: input.workspaceId,
          author,
          context: input.context,
        });
        await db.updateDraft(tx, id, { metadata });
        const created = (await db.getRequest(tx, id, true)) as ReleaseRequest;
        await this.addFiles(tx, created, stored, [], actor);
      });
    } catch (e) {
      // The request never came to be: the copies taken for it go too.
      await this.deps.store.deletePrefix(releasePrefix(project.id, id)).catch(() => undefined);
      throw e;
    }
    return id;
  }

  private async addFiles(
    tx: pg.PoolClient,
    request: ReleaseRequest,
    added: StoredFile[],
    removed: string[],
    actor: string,
  ): Promise<void> {
    const logged = [];
    for (const f of added) logged.push({ ...f, revision: await db.putFile(tx, request.id, f) });
    await this.deps.log.append(
      {
        type: RELEASE_FILES_CHANGED,
        actor,
        project: request.projectId,
        subject: `release:${request.id}`,
        details: { request: request.id, workspace: request.workspaceId, added: logged, removed },
      },
      tx,
    );
  }

  /** Checks outside the transaction (they read files), then records verdicts and submits in one. */
  private async submitAs(id: string, author: string, actor: string): Promise<void> {
    const { request, project } = await this.load(id);
    if (request.author !== author)
      throw new KlarsynError('forbidden', 'only the author of the release request may do this');
    this.assertStillEditable(request);
    if (!isActive(project.status, project.application.deletionDate, today())) {
      throw new KlarsynError(
        'conflict',
        `the project is ${project.status}; release needs an approved, unexpired project`,
      );
    }
    if (request.files.length === 0) throw new KlarsynError('validation_failed', 'the request has no files');
    const { profile, report } = await runChecks(this.deps, project, request);
    await this.change(id, async (tx, locked) => {
      const same = (r: ReleaseRequest) => r.files.map((f) => `${f.name}@${f.revision}`).join('/');
      if (locked.status !== request.status || same(locked) !== same(request)) {
        throw new KlarsynError('conflict', 'the request changed while it was checked; submit again');
      }
      for (const f of report.files) await db.setVerdict(tx, id, f.path, f.verdict, f.findings);
      await this.deps.log.append(
        {
          type: RELEASE_CHECKED,
          actor: 'system',
          project: project.id,
          subject: `release:${id}`,
          details: {
            request: id,
            profile,
            files: report.files.map((f) => ({
              name: f.path,
              sha256: (locked.files.find((x) => x.name === f.path) as { sha256: string }).sha256,
              verdict: f.verdict,
              rules: [...new Set(f.findings.map((x) => x.rule))].sort(),
            })),
          },
        },
        tx,
      );
      await changeStatus(tx, this.deps.log, locked, { to: 'submitted', by: 'author', actor, profile });
      // Votes on files a resubmission did not change still count.
      await this.followVotes(tx, id, 'system');
    });
  }

  /** Moves a request that is with the reviewers where its votes take it. */
  private async followVotes(tx: pg.PoolClient, id: string, actor: string): Promise<void> {
    const current = (await db.getRequest(tx, id)) as ReleaseRequest;
    const next = statusAfterVotes(current.status, current.files, current.votes, this.policy.approvalsPerFile);
    if (next !== current.status)
      await changeStatus(tx, this.deps.log, current, { to: next, by: 'system', actor });
  }

  private async decide(
    principal: Principal,
    id: string,
    to: 'returned' | 'rejected',
    comment: string,
  ): Promise<RequestView> {
    await this.reviewable(principal, id);
    await this.change(id, async (tx, locked, project) => {
      assertIndependentReviewer(principal, { ...locked, members: project.members });
      await changeStatus(tx, this.deps.log, locked, {
        to,
        by: 'reviewer',
        actor: account(principal),
        comment,
      });
    });
    return this.get(principal, id);
  }

  private async load(id: string): Promise<{ request: ReleaseRequest; project: Project }> {
    const request = await db.getRequest(this.deps.pool, id);
    const project = request && (await getProject(this.deps.pool, request.projectId));
    if (!request || !project) throw new KlarsynError('not_found', 'no such release request');
    return { request, project };
  }

  private assertVisible(principal: Principal, request: ReleaseRequest, project: Project): void {
    if (!viewerOf(principal, { ...request, members: project.members })) {
      throw new KlarsynError('not_found', 'no such release request');
    }
  }

  private async editable(
    principal: Principal,
    id: string,
  ): Promise<{ request: ReleaseRequest; project: Project }> {
    const loaded = await this.load(id);
    this.assertVisible(principal, loaded.request, loaded.project);
    assertAuthor(principal, loaded.request);
    this.assertStillEditable(loaded.request);
    return loaded;
  }

  private assertStillEditable(request: ReleaseRequest): void {
    if (!isEditable(request.status)) {
      throw new KlarsynError(
        'conflict',
        `a ${request.status.replace('_', ' ')} release request cannot be changed`,
      );
    }
  }

  /** The request, if the caller may see it at all; the separation-of-duties check follows. */
  private async reviewable(
    principal: Principal,
    id: string,
  ): Promise<{ request: ReleaseRequest; project: Project }> {
    const loaded = await this.load(id);
    this.assertVisible(principal, loaded.request, loaded.project);
    return loaded;
  }

  private async activeProjectOf(principal: Principal, projectId: string): Promise<Project> {
    const project = await getProject(this.deps.pool, projectId);
    if (!project || !(project.members.includes(principal.accountId) || principal.roles.includes('admin'))) {
      throw new KlarsynError('not_found', 'no such project');
    }
    if (!project.members.includes(principal.accountId)) {
      throw new KlarsynError('forbidden', 'only project members request releases');
    }
    if (!isActive(project.status, project.application.deletionDate, today())) {
      throw new KlarsynError(
        'conflict',
        `the project is ${project.status}; release needs an approved, unexpired project`,
      );
    }
    return project;
  }

  private async change(
    id: string,
    fn: (tx: pg.PoolClient, request: ReleaseRequest, project: Project) => Promise<void>,
  ): Promise<void> {
    await inTransaction(this.deps.pool, async (tx) => {
      const request = await db.getRequest(tx, id, true);
      const project = request && (await getProject(tx, request.projectId));
      if (!request || !project) throw new KlarsynError('not_found', 'no such release request');
      await fn(tx, request, project);
    });
  }
}
