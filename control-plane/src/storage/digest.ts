import { KlarsynError } from '../errors.js';
import type { PutOptions } from './object-store.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Checked before any byte is read, so a malformed option changes nothing. */
export function assertPutOptions(options: PutOptions): void {
  if (options.sha256 !== undefined && !SHA256_HEX.test(options.sha256)) {
    throw new KlarsynError('validation_failed', 'sha256 must be 64 lower-case hex digits', {
      details: { sha256: options.sha256 },
    });
  }
}

/** The evidence (both digests) goes into the error so a caller can log what arrived. */
export function assertDigestMatches(key: string, expected: string | undefined, actual: string): void {
  if (expected !== undefined && expected !== actual) {
    throw new KlarsynError('validation_failed', `body of ${key} does not have the expected SHA-256`, {
      details: { key, expected, actual },
    });
  }
}
