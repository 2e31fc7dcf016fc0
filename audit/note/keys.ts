import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, fromBase64, hasControlCharacter, readUint32BE, toBase64, utf8 } from '../encoding.js';
import { AuditError } from '../errors.js';

/**
 * C2SP signed-note keys. A verifier key ("vkey") is `name+hash+base64(type || public key)`, a
 * signer key is `PRIVATE+KEY+name+hash+base64(type || seed)` (the golang.org/x/mod/sumdb/note
 * encodings), where hash is the key ID in eight lowercase hex digits.
 */
export const SIGNATURE_TYPE = {
  /** signed-note Ed25519 signature over the note text (logs sign checkpoints with this). */
  ed25519: 0x01,
  /** tlog-cosignature/v1: timestamped Ed25519 over a cosignature message (witnesses). */
  cosignatureV1: 0x04,
} as const;

export type SignatureType = (typeof SIGNATURE_TYPE)[keyof typeof SIGNATURE_TYPE];

export interface VerifierKey {
  name: string;
  keyId: number;
  type: SignatureType;
  publicKey: Uint8Array;
  /** The vkey string this key was parsed from or formatted as. */
  text: string;
}

export interface SignerKey extends VerifierKey {
  /** The 32-byte Ed25519 seed (RFC 8032 private key). */
  seed: Uint8Array;
}

const SPACE = /[\s\u0085]/u;

/** Key names are non-empty and contain neither Unicode spaces nor '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !SPACE.test(name) && !name.includes('+') && !hasControlCharacter(name);
}

/** key ID = SHA-256(name || 0x0A || type || public key)[:4], big-endian. */
export function keyId(name: string, type: SignatureType, publicKey: Uint8Array): number {
  return readUint32BE(sha256(concat(utf8(name), new Uint8Array([0x0a, type]), publicKey)));
}

export function formatVerifierKey(name: string, type: SignatureType, publicKey: Uint8Array): string {
  return `${name}+${hex8(keyId(name, type, publicKey))}+${toBase64(concat(new Uint8Array([type]), publicKey))}`;
}

export function parseVerifierKey(text: string): VerifierKey {
  const parts = splitKey(text, 3);
  if (!parts) throw malformed('verifier key must be name+hash+key');
  const [name, hash, material] = parts as [string, string, string];
  const { type, key } = decodeKeyMaterial(name, hash, material);
  // A small-order or non-canonical point would let one signature verify for many messages.
  if (!isStrictPublicKey(key)) throw malformed('public key is not a canonical Ed25519 point of large order');
  return { name, keyId: keyId(name, type, key), type, publicKey: key, text };
}

export function parseSignerKey(text: string): SignerKey {
  const parts = splitKey(text, 5);
  if (parts?.[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
    throw malformed('signer key must be PRIVATE+KEY+name+hash+key');
  }
  const [, , name, hash, material] = parts as [string, string, string, string, string];
  const { type, key: seed } = decodeKeyMaterial(name, hash, material, (type, seed) =>
    keyId(name, type, ed25519.getPublicKey(seed)),
  );
  const publicKey = ed25519.getPublicKey(seed);
  return {
    name,
    keyId: keyId(name, type, publicKey),
    type,
    publicKey,
    seed,
    text: formatVerifierKey(name, type, publicKey),
  };
}

/** Signer key text for a seed; the matching vkey is `parseSignerKey(text).text`. */
export function formatSignerKey(name: string, type: SignatureType, seed: Uint8Array): string {
  const id = keyId(name, type, ed25519.getPublicKey(seed));
  return `PRIVATE+KEY+${name}+${hex8(id)}+${toBase64(concat(new Uint8Array([type]), seed))}`;
}

/** A fresh key pair; keep `signerKey` secret, publish `verifierKey`. */
export function generateKey(name: string, type: SignatureType = SIGNATURE_TYPE.ed25519) {
  if (!isValidKeyName(name)) throw malformed(`invalid key name ${JSON.stringify(name)}`);
  const signerKey = formatSignerKey(name, type, ed25519.utils.randomSecretKey());
  return { signerKey, verifierKey: parseSignerKey(signerKey).text };
}

function decodeKeyMaterial(
  name: string,
  hash: string,
  material: string,
  idOf: (type: SignatureType, key: Uint8Array) => number = (type, key) => keyId(name, type, key),
): { type: SignatureType; key: Uint8Array } {
  if (!isValidKeyName(name)) throw malformed('invalid key name');
  if (!/^[0-9a-f]{8}$/.test(hash)) throw malformed('key hash must be 8 lowercase hex digits');
  const bytes = fromBase64(material);
  if (bytes?.length !== 33) throw malformed('key material must be base64 of a type byte and 32 key bytes');
  const type = bytes[0];
  if (type !== SIGNATURE_TYPE.ed25519 && type !== SIGNATURE_TYPE.cosignatureV1) {
    throw malformed(`unsupported signature type 0x${type?.toString(16)}`);
  }
  const key = bytes.subarray(1);
  if (idOf(type, key) !== Number.parseInt(hash, 16)) throw malformed('key hash does not match the key');
  return { type, key };
}

/** Splits on the first n-1 '+' only: base64 key material may itself contain '+'. */
function splitKey(text: string, n: number): string[] | undefined {
  const parts: string[] = [];
  let rest = text;
  for (let i = 1; i < n; i++) {
    const plus = rest.indexOf('+');
    if (plus < 0) return undefined;
    parts.push(rest.slice(0, plus));
    rest = rest.slice(plus + 1);
  }
  return [...parts, rest];
}

function isStrictPublicKey(key: Uint8Array): boolean {
  try {
    return !ed25519.Point.fromBytes(key, false).isSmallOrder();
  } catch {
    return false;
  }
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function malformed(message: string): AuditError {
  return new AuditError('malformed_key', message);
}
