import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { KlarsynError } from '../errors.js';

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

/** Shipped as SQL beside the sources; found from both the TypeScript tree and the built dist tree. */
export function migrationsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, '..', '..', 'migrations'),
    join(here, '..', '..', '..', '..', 'control-plane', 'migrations'),
  ];
  for (const dir of candidates) {
    try {
      readdirSync(dir);
      return dir;
    } catch {}
  }
  throw new KlarsynError('internal', 'migrations folder not found');
}

export function readMigrations(dir = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        version: file.slice(0, 4),
        name: file.slice(5, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies pending migrations in order, each in its own transaction together with its record, under
 * an advisory lock so concurrent starts (two replicas) apply each once. A released migration whose
 * text changed is refused rather than silently diverging.
 */
export async function migrate(
  client: pg.ClientBase,
  migrations = readMigrations(),
): Promise<MigrationResult> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now())`);
  try {
    await client.query('SELECT pg_advisory_lock(7411001)');
    const done = new Map(
      (
        await client.query<{ version: string; checksum: string }>(
          'SELECT version, checksum FROM schema_migrations',
        )
      ).rows.map((r) => [r.version, r.checksum]),
    );
    const applied: string[] = [];
    for (const m of migrations) {
      const recorded = done.get(m.version);
      if (recorded !== undefined) {
        if (recorded !== m.checksum) {
          throw new KlarsynError(
            'internal',
            `migration ${m.version}_${m.name} was edited after it was applied`,
          );
        }
        continue;
      }
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          m.checksum,
        ]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new KlarsynError(
          'internal',
          `migration ${m.version}_${m.name} failed: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
      applied.push(`${m.version}_${m.name}`);
    }
    return { applied, alreadyApplied: done.size };
  } finally {
    await client.query('SELECT pg_advisory_unlock(7411001)').catch(() => undefined);
  }
}
