import { KlarsynError } from '../errors.js';

/**
 * Kubernetes resource quantities, as templates write them. Both runtimes read the same template:
 * the Kubernetes driver passes the strings through, the local sandbox turns them into limits.
 */
const CPU = /^(\d+(?:\.\d{1,3})?)(m?)$/;
const BYTES = /^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const UNIT: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

export const CPU_PATTERN = CPU.source;
export const BYTES_PATTERN = BYTES.source;

/** CPU in millicores: "2" → 2000, "500m" → 500. */
export function millicores(quantity: string): number {
  const match = CPU.exec(quantity);
  if (!match) throw new KlarsynError('validation_failed', `not a CPU quantity: ${quantity}`);
  const value = Number(match[1]);
  return Math.round(match[2] === 'm' ? value : value * 1000);
}

/** Bytes: "8Gi" → 8589934592, "512M" → 512000000. */
export function bytes(quantity: string): number {
  const match = BYTES.exec(quantity);
  if (!match) throw new KlarsynError('validation_failed', `not a byte quantity: ${quantity}`);
  return Number(match[1]) * (UNIT[match[2] ?? ''] as number);
}
