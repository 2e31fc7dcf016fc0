import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A build of the pseudonymisation extension whose pseudonyms keep one byte (test builds only), so
 * that distinct values share pseudonyms within a few hundred values and the fail-closed check runs.
 */
export function buildWeakPseudonymExtension(): string {
  const out = join(
    mkdtempSync(join(tmpdir(), 'klarsyn-weak-extension-')),
    'klarsyn_pseudonym.duckdb_extension',
  );
  execFileSync('bash', ['control-plane/src/pseudonym/native/build.sh', out], {
    env: { ...process.env, KLARSYN_NATIVE_CFLAGS: '-DKLARSYN_TEST_WEAK_PSEUDONYMS' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return out;
}

/** Runs `body` with the extension at `path` in place of the real one. */
export async function withPseudonymExtension<T>(path: string, body: () => Promise<T>): Promise<T> {
  const before = process.env.KLARSYN_PSEUDONYM_EXTENSION;
  process.env.KLARSYN_PSEUDONYM_EXTENSION = path;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env.KLARSYN_PSEUDONYM_EXTENSION;
    else process.env.KLARSYN_PSEUDONYM_EXTENSION = before;
  }
}
