import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal } from '../duckdb-sql.js';
import {
  finishRun,
  openPseudonymisingDatabase,
  type PseudonymStats,
  pseudonymSql,
  startRun,
} from './duckdb-extension.js';
import { PseudonymError } from './errors.js';
import { PARQUET_OUTPUT } from './parquet-output.js';
import { followProgress } from './query-progress.js';
import type { SecretKey } from './secret-key.js';
import { CURRENT_KEY_VERSION, deriveSubKey } from './subkeys.js';

/**
 * Pseudonymises the CPR columns of one Parquet or CSV file into another, through the same DuckDB
 * extension as the extract engine, in one streaming copy: every CPR column (pnr, mor_id, …) under
 * the person key, every other column copied as it is, rows in order. The output appears only
 * complete and checked: it is written under a temporary name and renamed once the run has shown
 * that distinct CPRs and distinct pseudonyms agree.
 */

export type FileFormat = 'parquet' | 'csv';

export interface PseudonymiseFileOptions {
  secret: SecretKey;
  input: string;
  output: string;
  cprColumns: readonly string[];
  keyVersion?: string;
  /** The phase, and for `pseudonymising` the input rows done out of `total` (0 when unknown). */
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface PseudonymiseFileResult {
  rows: number;
  columns: string[];
  stats: PseudonymStats;
}

export function formatOf(path: string): FileFormat | null {
  const lower = path.toLowerCase();
  if (lower.endsWith('.parquet')) return 'parquet';
  if (lower.endsWith('.csv') || lower.endsWith('.csv.gz')) return 'csv';
  return null;
}

const INTEGER_TYPES =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;

export async function pseudonymiseFile(options: PseudonymiseFileOptions): Promise<PseudonymiseFileResult> {
  const inFormat = formatOf(options.input);
  const outFormat = formatOf(options.output);
  if (!inFormat)
    throw new PseudonymError('input_unreadable', `${options.input}: not a .parquet or .csv file`);
  if (!outFormat)
    throw new PseudonymError('output_unwritable', `${options.output}: not a .parquet or .csv file`);
  const progress = options.onProgress ?? (() => {});
  const instance = await openPseudonymisingDatabase();
  const db = await instance.connect();
  const tmp = join(
    dirname(options.output),
    `.${basename(options.output)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const personKey = deriveSubKey(options.secret, 'person', options.keyVersion ?? CURRENT_KEY_VERSION);
  try {
    const { relation, columns, types } = await openInput(db, options.input, inFormat, options.cprColumns);
    const missing = options.cprColumns.filter((c) => !columns.includes(c));
    if (missing.length > 0) {
      throw new PseudonymError('cpr_column_missing', `${options.input} has no column ${missing.join(', ')}`);
    }
    // A CPR column read as a number has lost its leading zero.
    const key = (c: string) =>
      INTEGER_TYPES.test(types[columns.indexOf(c)] as string)
        ? `lpad(CAST(${ident(c)} AS VARCHAR), 10, '0')`
        : ident(c);
    const { rows, stats } = await withPseudonymErrors(options.input, async () => {
      await startRun(db, personKey);
      const select = columns.map((c) =>
        options.cprColumns.includes(c) ? `${pseudonymSql(personKey, key(c))} AS ${ident(c)}` : ident(c),
      );
      const copy = () =>
        db.runAndReadAll(
          `COPY (SELECT ${select.join(', ')} FROM ${relation}) TO ${literal(tmp)} (${
            outFormat === 'parquet' ? `FORMAT parquet, ${PARQUET_OUTPUT}` : 'FORMAT csv, HEADER true'
          })`,
        );
      // DuckDB's progress tracking costs a few per cent, so only when someone listens.
      const copied = options.onProgress
        ? await followProgress(db, (done, total) => progress('pseudonymising', done, total), copy)
        : await copy();
      progress('checking', 0, 0);
      const stats = await finishRun(db, personKey);
      return { rows: Number(copied.getRows()[0]?.[0] ?? 0), stats };
    });
    await rename(tmp, options.output);
    return { rows, columns, stats };
  } finally {
    personKey.key.destroy();
    db.closeSync();
    instance.closeSync();
    await rm(tmp, { force: true });
  }
}

/** Runs the pseudonymisation's SQL, turning DuckDB's errors into the pseudonymiser's. */
async function withPseudonymErrors<T>(input: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof PseudonymError) throw e;
    const message = (e as Error).message;
    if (message.includes('same pseudonym'))
      throw new PseudonymError('pseudonym_collision', message, { cause: e });
    throw new PseudonymError('input_unreadable', `cannot pseudonymise ${input}: ${firstLine(message)}`, {
      cause: e,
    });
  }
}

async function openInput(
  db: DuckDBConnection,
  path: string,
  format: FileFormat,
  cprColumns: readonly string[],
): Promise<{ relation: string; columns: string[]; types: string[] }> {
  // CSV CPR columns are read as text: type detection would turn 0101011234 into a number.
  const cprTypes = cprColumns.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ');
  const csv = `read_csv(${literal(path)}, header = true${cprColumns.length > 0 ? `, types = {${cprTypes}}` : ''})`;
  const relation = format === 'parquet' ? `read_parquet(${literal(path)})` : csv;
  try {
    const described = await db.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
    const rows = described.getRowObjectsJS();
    return {
      relation,
      columns: rows.map((r) => String(r.column_name)),
      types: rows.map((r) => String(r.column_type)),
    };
  } catch (e) {
    const message = (e as Error).message;
    // read_csv names the typed columns it cannot find; that is a missing column, not a bad file.
    if (
      format === 'csv' &&
      /types|column/i.test(message) &&
      !/Invalid Input Error: .*(unicode|quote)/i.test(message)
    ) {
      const header = await csvHeader(db, path).catch(() => null);
      if (header) {
        const missing = cprColumns.filter((c) => !header.includes(c));
        if (missing.length > 0)
          throw new PseudonymError('cpr_column_missing', `${path} has no column ${missing.join(', ')}`);
      }
    }
    throw new PseudonymError('input_unreadable', `cannot read ${path} as ${format}: ${firstLine(message)}`, {
      cause: e,
    });
  }
}

async function csvHeader(db: DuckDBConnection, path: string): Promise<string[]> {
  const described = await db.runAndReadAll(
    `DESCRIBE SELECT * FROM read_csv(${literal(path)}, header = true)`,
  );
  return described.getRowObjectsJS().map((r) => String(r.column_name));
}

function firstLine(message: string): string {
  return message.split('\n')[0] as string;
}
