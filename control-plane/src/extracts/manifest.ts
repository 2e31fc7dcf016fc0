import { createHash } from 'node:crypto';
import type { ColumnTransform } from './plan.js';

/** What an extract version holds, written last (its presence publishes the version). */
export interface ExtractManifest {
  format: 'klarsyn-extract/1';
  project: string;
  version: number;
  createdAt: string;
  /** Version of the project key the pseudonyms were made with. */
  keyVersion: number;
  synthetic: boolean;
  period: { from: string; to: string };
  cohortSize: number;
  files: ExtractFile[];
}

export interface ExtractFile {
  name: string;
  source: string;
  sha256: string;
  size: number;
  rows: number;
  columns: { name: string; type: string; transform: ColumnTransform['kind']; generalisation?: string }[];
  /** Equivalence classes over the quasi-identifiers (persons per class); absent when the file has none. */
  kAnonymity?: { quasiIdentifiers: string[]; classes: number; smallest: number; below5: number };
}

export function manifestBytes(manifest: ExtractManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
