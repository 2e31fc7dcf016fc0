import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PseudonymError } from './errors.js';
import type { MasterKey } from './master-key.js';
import { KEY_BYTES, SecretKey } from './secret-key.js';

/**
 * A project's secret is stored only wrapped: AES-256-GCM under the master KEK, with the project
 * id and key version as associated data so a wrapped key copied onto another project (or
 * another version) fails to unwrap instead of silently linking two projects' pseudonyms.
 * Destroying the wrapped value destroys the key.
 *
 * Text form: `kw1.<kek id>.<iv, base64url>.<ciphertext and tag, base64url>`.
 */
const FORMAT = 'kw1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface WrapContext {
  projectId: string;
  keyVersion: number;
}

function aad(kek: MasterKey, context: WrapContext): Buffer {
  return Buffer.from(`klarsyn:project-key|${kek.id}|${context.projectId}|${context.keyVersion}`, 'utf8');
}

export function generateProjectSecret(): SecretKey {
  return SecretKey.random();
}

export function wrapProjectSecret(kek: MasterKey, secret: SecretKey, context: WrapContext): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek.key.expose(), iv);
  cipher.setAAD(aad(kek, context));
  const sealed = Buffer.concat([cipher.update(secret.expose()), cipher.final(), cipher.getAuthTag()]);
  return [FORMAT, kek.id, iv.toString('base64url'), sealed.toString('base64url')].join('.');
}

/** The KEK id a wrapped key was made with, e.g. to pick the right KEK during rotation. */
export function wrappedKekId(wrapped: string): string | null {
  const parts = wrapped.split('.');
  return parts.length === 4 && parts[0] === FORMAT ? (parts[1] as string) : null;
}

export function unwrapProjectSecret(kek: MasterKey, wrapped: string, context: WrapContext): SecretKey {
  const parts = wrapped.split('.');
  if (parts.length !== 4 || parts[0] !== FORMAT) {
    throw new PseudonymError('key_unwrap_failed', 'not a wrapped project key');
  }
  const [, kekId, ivText, sealedText] = parts as [string, string, string, string];
  if (kekId !== kek.id) {
    throw new PseudonymError(
      'key_unwrap_failed',
      `project key was wrapped by master key ${kekId}, not ${kek.id}`,
    );
  }
  const iv = Buffer.from(ivText, 'base64url');
  const sealed = Buffer.from(sealedText, 'base64url');
  if (iv.length !== IV_BYTES || sealed.length !== KEY_BYTES + TAG_BYTES) {
    throw new PseudonymError('key_unwrap_failed', 'wrapped project key has the wrong length');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek.key.expose(), iv);
    decipher.setAAD(aad(kek, context));
    decipher.setAuthTag(sealed.subarray(KEY_BYTES));
    const plain = Buffer.concat([decipher.update(sealed.subarray(0, KEY_BYTES)), decipher.final()]);
    const secret = SecretKey.fromBytes(plain);
    plain.fill(0);
    return secret;
  } catch (cause) {
    throw new PseudonymError(
      'key_unwrap_failed',
      'wrapped project key does not authenticate for this project',
      {
        cause,
      },
    );
  }
}
