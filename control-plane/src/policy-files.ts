import { readFileSync } from 'node:fs';
import { KlarsynError } from './errors.js';

/** The repository root seen from this module, in the source tree and in the built dist tree. */
const ROOTS = [new URL('../../', import.meta.url), new URL('../../../', import.meta.url)];

/** Reads a shipped policy file such as `policies/generalisation/default.yaml`. */
export function readPolicyFile(path: string): string {
  for (const root of ROOTS) {
    try {
      return readFileSync(new URL(path, root), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new KlarsynError('internal', `${path} not found`);
}
