import type pg from 'pg';

/**
 * Which live process owns a job recorded as running, told by PostgreSQL itself: the owner holds a
 * session advisory lock on the job for as long as it works on it, and the lock goes with its
 * connection when the process dies. With several replicas, "running" in a table no longer means
 * "running here", so recovery fails only the jobs whose lock nobody holds.
 */
const KINDS = { extract: 7411101 } as const;
export type JobKind = keyof typeof KINDS;

/** Takes the job's lock on a connection of its own; the returned function releases both. */
export async function holdJobLock(pool: pg.Pool, kind: JobKind, id: string): Promise<() => Promise<void>> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [KINDS[kind], id]);
  } catch (e) {
    client.release();
    throw e;
  }
  return async () => {
    await client
      .query('SELECT pg_advisory_unlock($1, hashtext($2))', [KINDS[kind], id])
      .catch(() => undefined);
    client.release();
  };
}

/** True when no live process holds the job's lock (its owner died or never existed). */
export async function isOrphaned(pool: pg.Pool, kind: JobKind, id: string): Promise<boolean> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ free: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS free',
      [KINDS[kind], id],
    );
    if (!rows[0]?.free) return false;
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [KINDS[kind], id]);
    return true;
  } finally {
    client.release();
  }
}
