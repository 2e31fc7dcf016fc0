import type pg from 'pg';
import type { Logger } from 'pino';
import { KlarsynError } from '../errors.js';
import { type Migration, readMigrations } from './migrate.js';

/**
 * The migrations this code ships that the database has not recorded. Versions the database has
 * and the code does not know are fine: they belong to a newer release rolling out beside this one,
 * and migrations are additive (see infra/deploy/README.md, "Upgrades").
 */
export async function pendingMigrations(pool: pg.Pool, migrations = readMigrations()): Promise<string[]> {
  const { rows } = await pool
    .query<{ version: string }>('SELECT version FROM schema_migrations')
    .catch((e: { code?: string }) => {
      // 42P01: the table does not exist yet, nothing has been migrated.
      if (e.code === '42P01') return { rows: [] as { version: string }[] };
      throw e;
    });
  const applied = new Set(rows.map((r) => r.version));
  return migrations.filter((m) => !applied.has(m.version)).map((m) => `${m.version}_${m.name}`);
}

/** Waits until the migration Job has brought the schema up to this code (a rolling upgrade). */
export async function waitForSchema(
  pool: pg.Pool,
  logger: Logger,
  {
    timeoutMs = 600_000,
    intervalMs = 5_000,
    migrations,
  }: { timeoutMs?: number; intervalMs?: number; migrations?: Migration[] } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await pendingMigrations(pool, migrations);
    if (pending.length === 0) return;
    if (Date.now() >= deadline) {
      throw new KlarsynError(
        'unavailable',
        `the database lacks migrations ${pending.join(', ')}; run klarsyn migrate (the migration Job)`,
      );
    }
    logger.warn({ pending }, 'waiting for the migration Job to apply migrations');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
