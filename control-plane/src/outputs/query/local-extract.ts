/**
 * An extract version as a local directory: `manifest.json` and the Parquet files it lists (the
 * layout of `projects/<id>/extracts/v<N>/`, and what a workspace mounts read-only). The tables a query
 * may read are the manifest's files, named by their source; person columns are the ones the extract
 * pseudonymised as persons.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { KlarsynError } from '../../errors.js';
import type { ExtractManifest } from '../../extracts/manifest.js';

export const MANIFEST_FILE = 'manifest.json';
const TABLE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export interface ExtractTable {
  /** The view name queries use: the manifest's source id. */
  name: string;
  /** Absolute path of the Parquet file. */
  file: string;
  columns: string[];
  /** Columns holding person pseudonyms (the extract's `person_pseudonym` transform). */
  personColumns: string[];
}

export interface LocalExtract {
  dir: string;
  manifest: ExtractManifest;
  tables: ExtractTable[];
}

function readManifest(dir: string): ExtractManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path))
    throw new KlarsynError('validation_failed', `${dir} is not an extract: it has no ${MANIFEST_FILE}`);
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as ExtractManifest;
    if (manifest.format !== 'klarsyn-extract/1' || !Array.isArray(manifest.files)) throw new Error('format');
    return manifest;
  } catch {
    throw new KlarsynError('validation_failed', `${path} is not a klarsyn-extract/1 manifest`);
  }
}

/**
 * Reads and checks an extract directory. With `verifyHashes` every file's SHA-256 must match the
 * manifest, so a query runs against the published extract and nothing else.
 */
export function readLocalExtract(directory: string, options: { verifyHashes?: boolean } = {}): LocalExtract {
  if (!existsSync(directory)) throw new KlarsynError('validation_failed', `no such directory: ${directory}`);
  const dir = realpathSync(directory);
  const manifest = readManifest(dir);
  const tables = manifest.files.map((f): ExtractTable => {
    if (!TABLE_NAME.test(f.source) || f.name.includes('/') || !f.name.endsWith('.parquet'))
      throw new KlarsynError('validation_failed', `${MANIFEST_FILE}: unexpected file entry ${f.name}`);
    const file = join(dir, f.name);
    if (!existsSync(file))
      throw new KlarsynError('validation_failed', `the extract lacks ${f.name} listed in its manifest`);
    if (options.verifyHashes) {
      const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
      if (sha256 !== f.sha256)
        throw new KlarsynError('validation_failed', `${f.name} differs from the extract's manifest`);
    }
    return {
      name: f.source,
      file,
      columns: f.columns.map((c) => c.name),
      personColumns: f.columns.filter((c) => c.transform === 'person_pseudonym').map((c) => c.name),
    };
  });
  return { dir, manifest, tables };
}
