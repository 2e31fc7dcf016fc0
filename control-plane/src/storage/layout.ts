import { KlarsynError } from '../errors.js';
import { assertObjectKey } from './object-key.js';
import type { PrefixGrant } from './session-policy.js';

/**
 * Where each domain's objects live. Everything of a project sits under `projects/<id>/`, so
 * deleting a project is one `deletePrefix`, and a workspace's grant names two exact subtrees.
 */

function id(value: string, what: string): string {
  if (value.includes('/')) {
    throw new KlarsynError('validation_failed', `${what} may not contain "/"`, {
      details: { [what]: value },
    });
  }
  assertObjectKey(value);
  return value;
}

export function projectPrefix(projectId: string): string {
  return `projects/${id(projectId, 'projectId')}/`;
}

/** Every extract version of a project; a workspace reads this subtree. */
export function extractsPrefix(projectId: string): string {
  return `${projectPrefix(projectId)}extracts/`;
}

export function extractVersionPrefix(projectId: string, version: number): string {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new KlarsynError('validation_failed', 'an extract version is a positive integer', {
      details: { version },
    });
  }
  return `${extractsPrefix(projectId)}v${version}/`;
}

/** The only place a workspace may write; release requests pick their files from here. */
export function outboxPrefix(projectId: string, workspaceId: string): string {
  return `${projectPrefix(projectId)}workspaces/${id(workspaceId, 'workspaceId')}/outbox/`;
}

/** Released files of one request; written by the control plane only, never by a workspace. */
export function releasePrefix(projectId: string, releaseId: string): string {
  return `${projectPrefix(projectId)}releases/${id(releaseId, 'releaseId')}/`;
}

/** A workspace reads its project's extracts and writes its own outbox; nothing else (invariant 6). */
export function workspaceGrant(projectId: string, workspaceId: string): PrefixGrant {
  return { readOnly: [extractsPrefix(projectId)], readWrite: [outboxPrefix(projectId, workspaceId)] };
}
