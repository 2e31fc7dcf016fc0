import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Source } from '../catalog/model.js';
import { literal } from '../duckdb-sql.js';
import { KlarsynError } from '../errors.js';
import type { ObjectStore } from '../storage/object-store.js';

/**
 * Copies a source's files from object storage into the job's work directory, since DuckDB reads
 * local files (its S3 extension is not available offline), and returns the SQL relation over them.
 */
export async function spoolSource(store: ObjectStore, source: Source, workDir: string): Promise<string> {
  const dir = join(workDir, 'sources', source.id);
  mkdirSync(dir, { recursive: true });
  const kinds = new Set<string>();
  for await (const object of store.list(source.location)) {
    const name = object.key.slice(source.location.length);
    const kind = name.endsWith('.parquet') ? 'parquet' : name.endsWith('.csv') ? 'csv' : undefined;
    if (!kind || name.includes('/')) continue;
    kinds.add(kind);
    await pipeline(await store.get(object.key), createWriteStream(join(dir, name)));
  }
  if (kinds.size === 0) {
    throw new KlarsynError(
      'validation_failed',
      `source ${source.id} has no Parquet or CSV files under ${source.location}`,
    );
  }
  if (kinds.size > 1)
    throw new KlarsynError('validation_failed', `source ${source.id} mixes Parquet and CSV files`);
  const glob = literal(join(dir, `*.${[...kinds][0]}`));
  // CSV columns are read as text so CPR numbers keep their leading zeros.
  return kinds.has('parquet')
    ? `read_parquet(${glob})`
    : `read_csv(${glob}, header = true, all_varchar = true)`;
}
