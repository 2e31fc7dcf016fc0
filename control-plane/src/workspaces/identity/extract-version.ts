import type pg from 'pg';
import type { WorkspaceExtractVersion } from '../../outputs/release/index.js';
import { getWorkspace } from '../store.js';

/**
 * For output control: the extract version a workspace of the project was launched with, so a
 * release request from its outbox is checked against the data it was made from.
 */
export function launchedExtractVersion(pool: pg.Pool): WorkspaceExtractVersion {
  return async (projectId, workspaceId) => {
    const workspace = await getWorkspace(pool, workspaceId);
    return workspace?.projectId === projectId ? workspace.extractVersion : undefined;
  };
}
