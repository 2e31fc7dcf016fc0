/**
 * The author's side: compose a request from a workspace outbox, change its files and context while
 * it is a draft or returned, submit it (automatic checks first), withdraw it.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Principal } from '../../auth/principal.js';
import { inTransaction } from '../../db/transaction.js';
import { KlarsynError } from '../../errors.js';
import { isActive } from '../../projects/status.js';
import { getProject, type Project } from '../../projects/store.js';
import { releasePrefix } from '../../storage/layout.js';
import { maskFindings } from '../redact.js';
import { assertAuthor } from './access.js';
import { runChecks } from './checks.js';
import { RELEASE_CHECKED, RELEASE_FILES_CHANGED } from './events.js';
import { MAX_FILES, outboxMetadata, takeFromOutbox } from './files.js';
import { isEditable } from './status.js';
import type { ReleaseRequest, StoredFile } from './store.js';
import * as db from './store.js';
import { changeStatus } from './transition.js';
import {
  account,
  change,
  followVotes,
  type Loaded,
  load,
  loadVisible,
  sameFiles,
  today,
  type WorkflowDeps,
  words,
} from './workflow.js';

export interface NewRequest {
  workspaceId: string;
  files: string[];
  context: string;
}

function assertEditable(request: ReleaseRequest): void {
  if (!isEditable(request.status)) {
    throw new KlarsynError('conflict', `a ${words(request.status)} release request cannot be changed`);
  }
}

function assertActive(project: Project): void {
  if (!isActive(project.status, project.application.deletionDate, today())) {
    throw new KlarsynError(
      'conflict',
      `the project is ${project.status}; release needs an approved, unexpired project`,
    );
  }
}

/** A project of the caller's that may release outputs now. */
export async function activeProjectOf(
  deps: WorkflowDeps,
  principal: Principal,
  projectId: string,
): Promise<Project> {
  const project = await getProject(deps.pool, projectId);
  if (!project || !(project.members.includes(principal.accountId) || principal.roles.includes('admin'))) {
    throw new KlarsynError('not_found', 'no such project');
  }
  if (!project.members.includes(principal.accountId)) {
    throw new KlarsynError('forbidden', 'only project members request releases');
  }
  assertActive(project);
  return project;
}

async function editable(deps: WorkflowDeps, principal: Principal, id: string): Promise<Loaded> {
  const loaded = await loadVisible(deps, principal, id);
  assertAuthor(principal, loaded.request);
  assertEditable(loaded.request);
  return loaded;
}

async function logFiles(
  deps: WorkflowDeps,
  tx: pg.PoolClient,
  request: ReleaseRequest,
  change: { added: StoredFile[]; removed: string[]; actor: string },
): Promise<void> {
  const added = [];
  for (const f of change.added) added.push({ ...f, revision: await db.putFile(tx, request.id, f) });
  await deps.log.append(
    {
      type: RELEASE_FILES_CHANGED,
      actor: change.actor,
      project: request.projectId,
      subject: `release:${request.id}`,
      details: { request: request.id, workspace: request.workspaceId, added, removed: change.removed },
    },
    tx,
  );
}

/**
 * A draft of the named outbox files (copied out with their hashes) and the outputs.yaml beside them.
 * If anything fails, the copies taken so far are removed and no request exists.
 */
export async function compose(
  deps: WorkflowDeps,
  project: Project,
  by: { author: string; actor: string },
  input: NewRequest,
): Promise<string> {
  const names = [...new Set(input.files)];
  if (names.length === 0) throw new KlarsynError('validation_failed', 'name at least one file');
  if (names.length > MAX_FILES)
    throw new KlarsynError('validation_failed', `a request holds at most ${MAX_FILES} files`);
  const id = randomUUID();
  const at = { projectId: project.id, workspaceId: input.workspaceId, requestId: id };
  try {
    const stored: StoredFile[] = [];
    for (const name of names) stored.push(await takeFromOutbox(deps.store, at, name, deps.maxFileBytes));
    const metadata = await outboxMetadata(deps.store, at, names);
    await inTransaction(deps.pool, async (tx) => {
      await db.insertRequest(tx, {
        id,
        projectId: project.id,
        workspaceId: input.workspaceId,
        author: by.author,
        context: input.context,
      });
      await db.updateDraft(tx, id, { metadata });
      const created = (await db.getRequest(tx, id, true)) as ReleaseRequest;
      await logFiles(deps, tx, created, { added: stored, removed: [], actor: by.actor });
    });
  } catch (e) {
    await deps.store.deletePrefix(releasePrefix(project.id, id)).catch(() => undefined);
    throw e;
  }
  return id;
}

/** Adds a file from the outbox, or replaces the request's file of that name (its votes start over). */
export async function putFile(
  deps: WorkflowDeps,
  principal: Principal,
  id: string,
  name: string,
): Promise<void> {
  const { request, project } = await editable(deps, principal, id);
  const at = { projectId: project.id, workspaceId: request.workspaceId, requestId: id };
  const names = [...new Set([...request.files.map((f) => f.name), name])];
  if (names.length > MAX_FILES)
    throw new KlarsynError('validation_failed', `a request holds at most ${MAX_FILES} files`);
  const stored = await takeFromOutbox(deps.store, at, name, deps.maxFileBytes);
  const metadata = await outboxMetadata(deps.store, at, names);
  await change(deps, id, async (tx, locked) => {
    assertEditable(locked);
    await db.updateDraft(tx, id, { metadata });
    await logFiles(deps, tx, locked, { added: [stored], removed: [], actor: account(principal) });
  });
}

export async function removeFile(
  deps: WorkflowDeps,
  principal: Principal,
  id: string,
  fileId: string,
): Promise<void> {
  const { request } = await editable(deps, principal, id);
  const file = request.files.find((f) => f.id === fileId);
  if (!file) throw new KlarsynError('not_found', 'no such file in the request');
  await change(deps, id, async (tx, locked) => {
    assertEditable(locked);
    await db.removeFile(tx, id, file.name);
    await logFiles(deps, tx, locked, { added: [], removed: [file.name], actor: account(principal) });
  });
}

export async function editContext(
  deps: WorkflowDeps,
  principal: Principal,
  id: string,
  context: string,
): Promise<void> {
  await editable(deps, principal, id);
  await change(deps, id, async (tx, locked) => {
    assertEditable(locked);
    await db.updateDraft(tx, id, { context });
  });
}

export async function submitAsAuthor(
  deps: WorkflowDeps,
  principal: Principal,
  id: string,
  context?: string,
): Promise<void> {
  const { request } = await editable(deps, principal, id);
  await submit(deps, id, { author: request.author, actor: account(principal) }, context);
}

/**
 * Runs the automatic checks (outside the transaction: they read files), then records the verdicts,
 * the new context if any, and the move to `submitted` in one transaction, and follows the votes a
 * resubmission kept on files it did not change.
 */
export async function submit(
  deps: WorkflowDeps,
  id: string,
  by: { author: string; actor: string },
  context?: string,
): Promise<void> {
  const { request, project } = await load(deps, id);
  if (request.author !== by.author)
    throw new KlarsynError('forbidden', 'only the author of the release request may do this');
  assertEditable(request);
  assertActive(project);
  if (request.files.length === 0) throw new KlarsynError('validation_failed', 'the request has no files');
  const { profile, report } = await runChecks(deps, project, request);
  await change(deps, id, async (tx, locked) => {
    if (locked.status !== request.status || !sameFiles(locked, request)) {
      throw new KlarsynError('conflict', 'the request changed while it was checked; submit again');
    }
    if (context !== undefined) await db.updateDraft(tx, id, { context });
    for (const f of report.files) await db.setVerdict(tx, id, f.path, f.verdict, maskFindings(f.findings));
    const sha256 = (name: string) => (locked.files.find((x) => x.name === name) as { sha256: string }).sha256;
    await deps.log.append(
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
            sha256: sha256(f.path),
            verdict: f.verdict,
            rules: [...new Set(f.findings.map((x) => x.rule))].sort(),
          })),
        },
      },
      tx,
    );
    await changeStatus(tx, deps.log, locked, { to: 'submitted', by: 'author', actor: by.actor, profile });
    await followVotes(deps, tx, id);
  });
}

export async function withdraw(deps: WorkflowDeps, principal: Principal, id: string): Promise<void> {
  await loadVisible(deps, principal, id);
  await change(deps, id, async (tx, locked) => {
    assertAuthor(principal, locked);
    await changeStatus(tx, deps.log, locked, { to: 'withdrawn', by: 'author', actor: account(principal) });
  });
}
