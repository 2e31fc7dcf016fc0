import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateKey, parseSignerKey, type SignerKey } from '../../../audit/index.js';
import { KlarsynError } from '../errors.js';

/**
 * The log's checkpoint signing key: a signed-note signer key in a file of its own (mode 0600, a
 * Kubernetes Secret in production), created on first start. Its name is the log's origin, so a
 * key cannot silently sign for another log.
 */
export function loadOrCreateLogKey(file: string, origin: string): SignerKey {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${generateKey(origin).signerKey}\n`, { mode: 0o600, flag: 'wx' });
  }
  let key: SignerKey;
  try {
    key = parseSignerKey(readFileSync(file, 'utf8').trim());
  } catch (e) {
    throw new KlarsynError('config_invalid', `transparency log key ${file} is not a signer key`, {
      cause: e,
    });
  }
  if (key.name !== origin) {
    throw new KlarsynError(
      'config_invalid',
      `transparency log key ${file} is for ${key.name}, not the origin ${origin}`,
    );
  }
  return key;
}
