import { createHash, randomBytes } from 'node:crypto';

/** Bearer secrets (API tokens, refresh tokens) are random; only their SHA-256 is stored. */
export function newOpaqueSecret(prefix: string): { secret: string; hash: Buffer } {
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashOpaqueSecret(secret) };
}

export function hashOpaqueSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
