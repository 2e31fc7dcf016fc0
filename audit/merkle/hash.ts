import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '../encoding.js';

/** RFC 9162 §2.1.1: SHA-256 with one-byte domain separation between leaves and interior nodes. */
export const HASH_SIZE = 32;
const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** Raw leaf data: bytes, or text hashed as its UTF-8 encoding. */
export type LeafData = Uint8Array | string;

/** MTH({}) = SHA-256() */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** MTH({d}) = SHA-256(0x00 || d) */
export function leafHash(data: LeafData): Uint8Array {
  return sha256
    .create()
    .update(LEAF_PREFIX)
    .update(typeof data === 'string' ? utf8(data) : data)
    .digest();
}

/** SHA-256(0x01 || left || right) */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(NODE_PREFIX).update(left).update(right).digest();
}

export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}
