import { AuditError } from '../errors.js';

/** Indices and sizes may be given as number or bigint; the log format allows the full uint64 range. */
export type TreeIndex = number | bigint;

const UINT64_MAX = 2n ** 64n - 1n;

/** Undefined for anything that is not an integer in [0, 2^64). */
export function asUint64(value: TreeIndex): bigint | undefined {
  if (typeof value === 'bigint') return value >= 0n && value <= UINT64_MAX ? value : undefined;
  return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
}

/** Generators work on in-memory or stored trees, which are far below 2^53 entries. */
export function asSafeIndex(value: TreeIndex, what: string): number {
  const n = typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new AuditError(
      'invalid_argument',
      `${what} must be a non-negative safe integer, got ${String(value)}`,
    );
  }
  return n;
}
