import { readFile, stat, writeFile } from 'node:fs/promises';
import { PseudonymError } from './errors.js';
import { parseKeyText } from './master-key.js';
import { SecretKey } from './secret-key.js';

/**
 * The key file of the standalone `klarsyn pseudonymise`: a project secret (64 hex digits, lines
 * starting with # ignored) that a steward keeps outside the platform. Sub-keys are derived from it
 * exactly as the platform derives them from a project's secret, so the same secret gives the
 * same pseudonyms in both places. Like an SSH key, a file others can read is refused.
 */
export async function readKeyFile(path: string): Promise<SecretKey> {
  let text: string;
  try {
    const info = await stat(path);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new PseudonymError('key_file_invalid', `key file ${path} is readable by others; chmod 600 it`);
    }
    text = await readFile(path, 'latin1');
  } catch (e) {
    if (e instanceof PseudonymError) throw e;
    throw new PseudonymError('key_file_invalid', `cannot read key file ${path}`, { cause: e });
  }
  const body = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('')
    .trim();
  const bytes = parseKeyText(body);
  if (!bytes) throw new PseudonymError('key_file_invalid', `key file ${path} does not hold a 256-bit key`);
  return SecretKey.fromBytes(bytes);
}

/** Writes a new random secret to `path` (owner-only); never overwrites a file. */
export async function createKeyFile(path: string): Promise<void> {
  const key = SecretKey.random();
  const text = `# klarsyn pseudonymisation key: keep secret; losing it makes the pseudonyms unreproducible\n${key.expose().toString('hex')}\n`;
  try {
    await writeFile(path, text, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    throw new PseudonymError('key_file_invalid', `cannot create key file ${path} (it may already exist)`, {
      cause: e,
    });
  } finally {
    key.destroy();
  }
}
