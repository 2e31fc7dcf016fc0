/**
 * Reads a release request from the local disk for `klarsyn outputs check`: files and directories, each
 * directory's `outputs.yaml` (or the one beside a named file) as metadata, a pseudonym list.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { KlarsynError } from '../errors.js';
import { type FileEntry, normalisePath, type OutputsMetadata, parseOutputsMetadata } from './metadata.js';
import type { OutputFile } from './model.js';

export const METADATA_FILE = 'outputs.yaml';

export interface LocalRequest {
  files: OutputFile[];
  metadata: OutputsMetadata;
}

const toPosix = (p: string) => normalisePath(p.split(sep).join('/'));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => {
      const path = join(dir, d.name);
      if (d.isDirectory()) return walk(path);
      return d.isFile() ? [path] : [];
    });
}

function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new KlarsynError('validation_failed', `cannot read ${path}: ${(e as Error).message}`);
  }
}

/** The entries of `dir/outputs.yaml`, with paths as the report shows them (prefixed by `dir`). */
function metadataIn(dir: string): FileEntry[] {
  const file = join(dir, METADATA_FILE);
  if (!existsSync(file)) return [];
  const metadata = parseOutputsMetadata(readFileSync(file, 'utf8'), file);
  const inDir = (p: string) => toPosix(posix.join(toPosix(dir), normalisePath(p)));
  return metadata.files.map((e) => ({
    ...e,
    path: inDir(e.path),
    ...(e.query === undefined ? {} : { query: inDir(e.query) }),
  }));
}

/** Every file under the given paths (directories recursively), outputs.yaml files aside. */
export function readLocalRequest(paths: readonly string[]): LocalRequest {
  const files = new Map<string, OutputFile>();
  const entries = new Map<string, FileEntry>();
  for (const path of paths) {
    if (!existsSync(path)) throw new KlarsynError('validation_failed', `no such file or directory: ${path}`);
    const isDir = statSync(path).isDirectory();
    const dir = isDir ? path : dirname(path);
    for (const e of metadataIn(dir)) entries.set(e.path, e);
    for (const file of isDir ? walk(path) : [path]) {
      if (isDir && relative(path, file) === METADATA_FILE) continue;
      const shown = toPosix(file);
      files.set(shown, { path: shown, bytes: readBytes(file) });
    }
  }
  return { files: [...files.values()], metadata: { files: [...entries.values()] } };
}

const PSEUDONYM = /^[0-9a-f]{32}$/;

/** One pseudonym per line; blank lines and `#` comments are ignored. */
export function parsePseudonymList(text: string, source: string): Set<string> {
  const set = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!PSEUDONYM.test(line)) {
      throw new KlarsynError(
        'validation_failed',
        `${source} line ${i + 1}: a pseudonym is 32 lowercase hex characters`,
      );
    }
    set.add(line);
  });
  return set;
}
