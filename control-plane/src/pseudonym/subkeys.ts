import { createHmac, hkdfSync } from 'node:crypto';
import { normaliseCpr } from './cpr.js';
import { KEY_BYTES, SecretKey } from './secret-key.js';

/**
 * Sub-keys of a project secret, one per purpose and version (RFC 5869 HKDF-SHA256, info
 * `purpose|version`), so that persons and record ids never share a key and a key can be rotated
 * per purpose. Every CPR-valued column (pnr/cpr, mor_id, far_id, aegte_id) uses the `person`
 * key, which keeps family links inside a project.
 */
export const PURPOSES = ['person', 'contact'] as const;
export type Purpose = (typeof PURPOSES)[number];
export const CURRENT_KEY_VERSION = 'v1';

const HKDF_SALT = Buffer.from('klarsyn:pseudonym-subkey', 'utf8');

export interface PseudonymKey {
  readonly purpose: Purpose;
  readonly version: string;
  readonly key: SecretKey;
  /** Domain tag hashed before each value: `klarsyn:<purpose>:<version>:`. */
  readonly tag: Uint8Array;
  /** Values are CPR numbers: normalised before hashing and classified. */
  readonly cpr: boolean;
}

export function domainTag(purpose: Purpose, version: string): Uint8Array {
  return Buffer.from(`klarsyn:${purpose}:${version}:`, 'utf8');
}

export function deriveSubKey(
  projectSecret: SecretKey,
  purpose: Purpose,
  version: string = CURRENT_KEY_VERSION,
): PseudonymKey {
  const info = Buffer.from(`${purpose}|${version}`, 'utf8');
  const bytes = Buffer.from(hkdfSync('sha256', projectSecret.expose(), HKDF_SALT, info, KEY_BYTES));
  const key = SecretKey.fromBytes(bytes);
  bytes.fill(0);
  return { purpose, version, key, tag: domainTag(purpose, version), cpr: purpose === 'person' };
}

/** What is hashed for a value: a CPR-shaped value in its `DDMMYYSSSS` form, anything else as it is. */
export function hmacInput(key: PseudonymKey, value: string): string {
  return (key.cpr ? normaliseCpr(value) : null) ?? value;
}

/**
 * The definition of a pseudonym: hex of the first 128 bits of HMAC-SHA256(sub-key, tag || value).
 * One value at a time with Node's crypto; the batched kernel must agree with it byte for byte.
 * Internal only: no API pseudonymises a CPR number on request.
 */
export function referencePseudonym(key: PseudonymKey, value: string): string {
  return createHmac('sha256', key.key.expose())
    .update(key.tag)
    .update(hmacInput(key, value), 'utf8')
    .digest()
    .subarray(0, 16)
    .toString('hex');
}
