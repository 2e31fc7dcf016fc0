/** Reads output-control profiles from `policies/output/` or from a file a person names. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KlarsynError } from '../errors.js';
import { mergeProfiles, type OutputProfile, parseProfile } from './profile.js';

/** From the sources (tsx) or the build (dist/), the package root is three or four levels up. */
export const PROFILE_DIR: string = ['../../../policies/output/', '../../../../policies/output/']
  .map((p) => fileURLToPath(new URL(p, import.meta.url)))
  .find((dir) => existsSync(dir)) as string;

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

export function profileNames(dir: string = PROFILE_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

/** A profile by name (`sds`, `dst`, …) from `dir`, or from a YAML file when given a path. */
export function loadProfile(nameOrFile: string, dir: string = PROFILE_DIR): OutputProfile {
  const file = NAME.test(nameOrFile) ? `${dir}/${nameOrFile}.yaml` : nameOrFile;
  if (NAME.test(nameOrFile) && !existsSync(file)) {
    throw new KlarsynError(
      'validation_failed',
      `unknown output profile ${nameOrFile} (known: ${profileNames(dir).join(', ')})`,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KlarsynError(
      'validation_failed',
      `cannot read output profile ${file}: ${(e as Error).message}`,
    );
  }
  return parseProfile(text, nameOrFile);
}

/**
 * The profile for an extract: the strictest of its authorities' profiles (each catalog authority
 * names one in `outputProfile`). Duplicates count once.
 */
export function strictestProfile(names: Iterable<string>, dir: string = PROFILE_DIR): OutputProfile {
  const unique = [...new Set(names)].sort();
  if (unique.length === 0) throw new KlarsynError('validation_failed', 'no output profile named');
  return mergeProfiles(unique.map((n) => loadProfile(n, dir)));
}
