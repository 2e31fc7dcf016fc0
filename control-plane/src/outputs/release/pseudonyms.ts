/**
 * The project's pseudonyms in one published extract version, for the individual-level check: any
 * output value equal to one of them is a person's row escaping. Read with DuckDB from a private
 * temporary copy of each Parquet file that has pseudonym columns; kept only for the check.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import type pg from 'pg';
import { ident, literal } from '../../duckdb-sql.js';
import { listExtracts } from '../../extracts/store.js';
import { extractVersionPrefix } from '../../storage/layout.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { PseudonymLoader } from './checks.js';

const PSEUDONYM_TRANSFORMS = new Set(['person_pseudonym', 'record_pseudonym']);

export function extractPseudonyms(pool: pg.Pool, store: ObjectStore): PseudonymLoader {
  return async (projectId, version) => {
    const newest = (await listExtracts(pool, projectId)).find(
      (e) => e.version === version && e.status === 'published' && e.manifest,
    );
    const pseudonyms = new Set<string>();
    if (!newest?.manifest) return pseudonyms;
    const files = newest.manifest.files
      .map((f) => ({ name: f.name, columns: f.columns.filter((c) => PSEUDONYM_TRANSFORMS.has(c.transform)) }))
      .filter((f) => f.columns.length > 0 && f.name.endsWith('.parquet'));
    if (files.length === 0) return pseudonyms;
    const dir = mkdtempSync(join(tmpdir(), 'klarsyn-pseudonyms-'));
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      for (const [i, f] of files.entries()) {
        const local = join(dir, `${i}.parquet`);
        const body = await store.get(`${extractVersionPrefix(projectId, newest.version)}${f.name}`);
        await pipeline(body, createWriteStream(local, { mode: 0o600 }));
        for (const c of f.columns) {
          const result = await db.runAndReadAll(
            `SELECT DISTINCT CAST(${ident(c.name)} AS VARCHAR) FROM read_parquet(${literal(local)}) WHERE ${ident(c.name)} IS NOT NULL`,
          );
          for (const [value] of result.getRows()) pseudonyms.add(String(value));
        }
        rmSync(local, { force: true });
      }
    } finally {
      db.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    }
    return pseudonyms;
  };
}
