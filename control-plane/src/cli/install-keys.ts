import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey } from '../../../audit/index.js';
import { SigningKeyRing } from '../auth/signing-keys.js';
import { KlarsynError } from '../errors.js';
import { createMasterKeyFile } from '../pseudonym/master-key.js';
import { DEFAULT_ORIGIN } from '../register/log-routes.js';
import { WorkspaceCa } from '../workspaces/identity/workspace-ca.js';

/** The Kubernetes Secrets of an install (infra/deploy), each from one folder written here. */
export const INSTALL_SECRETS = {
  'klarsyn-master-key': 'master',
  'klarsyn-log-signing-key': 'log-signing',
  'klarsyn-token-signing-key': 'token-signing',
  'klarsyn-workspace-ca': 'workspace-ca',
} as const;

/**
 * Generates every key a new installation needs into `dir` (which must be empty or absent), one
 * folder per Secret: the master key-encryption key, the transparency log's checkpoint signing key
 * (named after the log's origin), the first token signing key and the workspace CA.
 */
export async function writeInstallKeys(
  dir: string,
  origin = DEFAULT_ORIGIN,
): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (readdirSync(dir).length > 0) {
    throw new KlarsynError('conflict', `${dir} is not empty; keys are never overwritten`);
  }
  const folders: Record<string, string> = {};
  for (const [secret, folder] of Object.entries(INSTALL_SECRETS)) {
    folders[secret] = join(dir, folder);
    mkdirSync(folders[secret] as string, { mode: 0o700 });
  }
  await createMasterKeyFile(join(dir, INSTALL_SECRETS['klarsyn-master-key'], 'master.key'));
  writeFileSync(
    join(dir, INSTALL_SECRETS['klarsyn-log-signing-key'], 'transparency-log.key'),
    `${generateKey(origin).signerKey}\n`,
    { mode: 0o600, flag: 'wx' },
  );
  await SigningKeyRing.open(join(dir, INSTALL_SECRETS['klarsyn-token-signing-key']), 600);
  await WorkspaceCa.open(join(dir, INSTALL_SECRETS['klarsyn-workspace-ca']));
  return folders;
}
