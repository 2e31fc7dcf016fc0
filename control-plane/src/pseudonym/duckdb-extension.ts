import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { literal } from '../duckdb-sql.js';
import type { CprStatus } from './cpr.js';
import { PseudonymError } from './errors.js';
import type { PseudonymKey } from './subkeys.js';

/**
 * The DuckDB extension `klarsyn_pseudonym` (C, in ./native/, built by `npm run build`), which
 * pseudonymises inside DuckDB's own threads as rows stream through a query: one pass, no map table
 * joined back. Each run (a key and its tag) records which value got which pseudonym; finishing it
 * fails closed when two distinct values got the same one. Its pseudonyms equal
 * `referencePseudonym` (subkeys.ts), the definition, byte for byte.
 */

export const CPR_STATUSES: readonly CprStatus[] = ['valid', 'valid_no_mod11', 'invalid'];

/** Counts of the distinct values of a run (the query that ran it counts rows). */
export interface PseudonymStats {
  /** Distinct values pseudonymised (= distinct pseudonyms). */
  distinct: number;
  /** Distinct values per CPR status, for person keys; invalid values are pseudonymised too. */
  cpr: Record<CprStatus, number> | null;
}

const FILE = 'klarsyn_pseudonym.duckdb_extension';

/** The built extension: `KLARSYN_PSEUDONYM_EXTENSION`, else `dist/native/` of this checkout. */
export function extensionPath(): string {
  const configured = process.env.KLARSYN_PSEUDONYM_EXTENSION;
  if (configured) return resolve(configured);
  // This module runs from control-plane/src/pseudonym/ (sources) or dist/control-plane/src/pseudonym/.
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '../../../dist/native', FILE), join(here, '../../../native', FILE)];
  return candidates.find((c) => existsSync(c)) ?? (candidates[0] as string);
}

/**
 * A DuckDB database with the extension loaded. Unsigned extensions are allowed in it because ours
 * is built here; only this module issues LOAD, with a path no request can choose.
 */
export async function openPseudonymisingDatabase(
  options: Record<string, string> = {},
): Promise<DuckDBInstance> {
  const path = extensionPath();
  if (!existsSync(path)) {
    throw new PseudonymError(
      'extension_missing',
      `the pseudonymisation extension is not built (${path}); run \`npm run build\``,
    );
  }
  const instance = await DuckDBInstance.create(':memory:', {
    ...options,
    allow_unsigned_extensions: 'true',
    autoinstall_known_extensions: 'false',
  });
  const connection = await instance.connect();
  try {
    await connection.run(`LOAD ${literal(path)}`);
  } finally {
    connection.closeSync();
  }
  return instance;
}

/**
 * The connection variable holding `key` during its run. Queries name the variable, never the key:
 * DuckDB quotes a failing statement's text in its error message, and messages get logged.
 */
function keyVariable(key: PseudonymKey): string {
  const name = `klarsyn_key_${key.purpose}_${key.version}`;
  if (!/^[a-z0-9_]+$/.test(name)) throw new RangeError(`not a plain key version: ${key.version}`);
  return name;
}

/** The key, tag and mode of `key`'s run as SQL arguments. */
function runArguments(key: PseudonymKey): string {
  return `getvariable('${keyVariable(key)}'), ${literal(Buffer.from(key.tag).toString('utf8'))}, ${key.cpr}`;
}

/** Starts `key`'s run on this connection: `pseudonymSql(key, …)` works on it until `finishRun`. */
export async function startRun(db: DuckDBConnection, key: PseudonymKey): Promise<void> {
  const hex = Buffer.from(key.key.expose()).toString('hex');
  await db.run(`SET VARIABLE ${keyVariable(key)} = unhex('${hex}')`);
}

/** SQL for the pseudonym of `value` (an SQL expression) under `key`: 32 hex digits, null for null. */
export function pseudonymSql(key: PseudonymKey, value: string): string {
  return `klarsyn_pseudonym(${runArguments(key)}, CAST(${value} AS VARCHAR))`;
}

/**
 * Ends `key`'s run on this connection and returns its counts; throws `pseudonym_collision` when two
 * distinct values got the same pseudonym. Everything the run held, and the key's variable, is
 * gone either way.
 */
export async function finishRun(db: DuckDBConnection, key: PseudonymKey): Promise<PseudonymStats> {
  let json: string;
  try {
    const reader = await db.runAndReadAll(`SELECT klarsyn_pseudonym_finish(${runArguments(key)}) AS stats`);
    json = String(reader.getRows()[0]?.[0]);
  } catch (e) {
    const message = (e as Error).message;
    if (message.includes('same pseudonym')) {
      throw new PseudonymError(
        'pseudonym_collision',
        'two distinct values have the same pseudonym; refusing to merge them',
        { cause: e },
      );
    }
    throw e;
  } finally {
    await db.run(`RESET VARIABLE ${keyVariable(key)}`);
  }
  const counts = JSON.parse(json) as Record<'distinct' | CprStatus, number>;
  return {
    distinct: counts.distinct,
    cpr: key.cpr
      ? { valid: counts.valid, valid_no_mod11: counts.valid_no_mod11, invalid: counts.invalid }
      : null,
  };
}
