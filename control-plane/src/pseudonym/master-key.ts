import { createHmac } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { PseudonymError } from './errors.js';
import { KEY_BYTES, SecretKey } from './secret-key.js';

/**
 * The master key-encryption key (KEK) wraps every project key. It comes from the environment
 * (`KLARSYN_MASTER_KEY`, hex or base64) or a file (`KLARSYN_MASTER_KEY_FILE`; in production a
 * mounted Kubernetes Secret or a file a KMS agent writes). It is never generated silently for a
 * server: a lost KEK makes every project key unreadable.
 */
export const MASTER_KEY_ENV = 'KLARSYN_MASTER_KEY';
export const MASTER_KEY_FILE_ENV = 'KLARSYN_MASTER_KEY_FILE';

export interface MasterKey {
  /** Identifies the KEK without revealing it, so a wrapped key names the KEK it needs. */
  readonly id: string;
  readonly key: SecretKey;
}

export function masterKeyFromBytes(bytes: Uint8Array): MasterKey {
  const key = SecretKey.fromBytes(bytes);
  const id = createHmac('sha256', key.expose()).update('klarsyn:kek-id').digest('hex').slice(0, 16);
  return { id, key };
}

/** 64 hex digits or base64/base64url of 32 bytes. */
export function parseKeyText(text: string): Uint8Array | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const bytes = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return null;
}

async function readKeyFile(path: string): Promise<Uint8Array> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (cause) {
    throw new PseudonymError('master_key_missing', `cannot read the master key file ${path}`, { cause });
  }
  const parsed = parseKeyText(content.toString('latin1'));
  if (parsed) return parsed;
  if (content.length === KEY_BYTES) return content;
  throw new PseudonymError('master_key_malformed', `the master key file ${path} does not hold a 256-bit key`);
}

/** Reads the KEK from the environment: the value itself, else a file named by it. */
export async function loadMasterKey(
  env: Record<string, string | undefined> = process.env,
): Promise<MasterKey> {
  const value = env[MASTER_KEY_ENV];
  if (value !== undefined && value !== '') {
    const parsed = parseKeyText(value);
    if (!parsed) {
      throw new PseudonymError(
        'master_key_malformed',
        `${MASTER_KEY_ENV} is not a 256-bit key in hex or base64`,
      );
    }
    return masterKeyFromBytes(parsed);
  }
  const file = env[MASTER_KEY_FILE_ENV];
  if (file) return masterKeyFromBytes(await readKeyFile(file));
  throw new PseudonymError('master_key_missing', `set ${MASTER_KEY_ENV} or ${MASTER_KEY_FILE_ENV}`);
}

export async function loadMasterKeyFile(path: string): Promise<MasterKey> {
  return masterKeyFromBytes(await readKeyFile(path));
}

/** Writes a new random KEK (hex) readable by the owner only; never overwrites an existing file. */
export async function createMasterKeyFile(path: string): Promise<MasterKey> {
  const key = SecretKey.random();
  await writeFile(path, `${key.expose().toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return masterKeyFromBytes(key.expose());
}
