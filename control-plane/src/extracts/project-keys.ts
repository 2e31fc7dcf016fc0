import type pg from 'pg';
import { KlarsynError } from '../errors.js';
import { generateProjectSecret, unwrapProjectSecret, wrapProjectSecret } from '../pseudonym/key-wrap.js';
import type { MasterKey } from '../pseudonym/master-key.js';
import type { SecretKey } from '../pseudonym/secret-key.js';

export interface ProjectSecret {
  secret: SecretKey;
  keyVersion: number;
}

/**
 * The project's current secret, created on first use. Only the wrapped form is stored; the clear
 * secret lives in this process for the length of one job and is destroyed by the caller.
 */
export async function projectSecret(
  tx: pg.PoolClient,
  kek: MasterKey,
  projectId: string,
): Promise<ProjectSecret> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`project-key:${projectId}`]);
  const { rows } = await tx.query<{ version: number; wrapped: string | null }>(
    'SELECT version, wrapped FROM project_keys WHERE project_id = $1 ORDER BY version DESC LIMIT 1',
    [projectId],
  );
  const current = rows[0];
  if (current && current.wrapped === null) {
    throw new KlarsynError(
      'conflict',
      'the project key has been destroyed; its pseudonyms can no longer be made',
    );
  }
  if (current?.wrapped) {
    return {
      secret: unwrapProjectSecret(kek, current.wrapped, { projectId, keyVersion: current.version }),
      keyVersion: current.version,
    };
  }
  const secret = generateProjectSecret();
  const wrapped = wrapProjectSecret(kek, secret, { projectId, keyVersion: 1 });
  await tx.query('INSERT INTO project_keys (project_id, version, wrapped) VALUES ($1, 1, $2)', [
    projectId,
    wrapped,
  ]);
  return { secret, keyVersion: 1 };
}

/** Destroys every key of a project: its pseudonyms become unlinkable for good (invariant 2). */
export async function destroyProjectKeys(tx: pg.PoolClient, projectId: string): Promise<number> {
  const result = await tx.query(
    'UPDATE project_keys SET wrapped = NULL, destroyed_at = now() WHERE project_id = $1 AND wrapped IS NOT NULL',
    [projectId],
  );
  return result.rowCount ?? 0;
}
