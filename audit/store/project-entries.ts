import type pg from 'pg';
import type { StoredEntry } from './log-reader.js';

export interface ProjectEntriesQuery {
  /** Only entries whose type starts with one of these (e.g. "extract.", "workspace.connected"). */
  typePrefixes?: readonly string[];
  /** Only entries below this index, e.g. the size of a verified checkpoint. */
  below?: number;
  /** At most this many, the newest first (default 500). */
  limit?: number;
}

const LIKE_SPECIAL = /[\\%_]/g;

/**
 * The integrated entries one project's events became, newest first: what the public register shows
 * as the project's activity, each with the index a visitor proves against a checkpoint. Reads only
 * tlog_entries (pending events have no index yet). Entries carry `project` in their canonical JSON,
 * so this scans the table; fine for the register's scale, an index on it would need a column.
 */
export async function projectEntries(
  pool: pg.Pool | pg.ClientBase,
  project: string,
  query: ProjectEntriesQuery = {},
): Promise<StoredEntry[]> {
  const prefixes = (query.typePrefixes ?? ['']).map((p) => `${p.replace(LIKE_SPECIAL, '\\$&')}%`);
  const { rows } = await pool.query<{ idx: string; data: Buffer }>({
    name: 'tlog_project_entries',
    text: `SELECT idx, data FROM (
             SELECT idx, data, convert_from(data, 'UTF8')::jsonb AS e FROM tlog_entries
             WHERE ($3::bigint IS NULL OR idx < $3)
           ) l
           WHERE l.e ->> 'project' = $1 AND l.e ->> 'type' LIKE ANY ($2::text[])
           ORDER BY idx DESC LIMIT $4`,
    values: [project, prefixes, query.below ?? null, query.limit ?? 500],
  });
  return rows.map((r) => ({ index: Number(r.idx), data: r.data }));
}
