import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { attachPseudonymFunction } from './duckdb-function.js';
import { PseudonymError } from './errors.js';
import { PseudonymMap, type PseudonymStats } from './pseudonym-map.js';
import type { SecretKey } from './secret-key.js';
import { CURRENT_KEY_VERSION, deriveSubKey } from './subkeys.js';

/**
 * Pseudonymises the CPR columns of one Parquet or CSV file into another, through the same map and
 * DuckDB function as the extract engine: every CPR column (pnr, mor_id, …) under the person key,
 * every other column copied as it is. The output appears only complete and checked: it is written
 * under a temporary name and renamed once distinct CPRs and distinct pseudonyms agree.
 */

export type FileFormat = 'parquet' | 'csv';

export interface PseudonymiseFileOptions {
  secret: SecretKey;
  input: string;
  output: string;
  cprColumns: readonly string[];
  keyVersion?: string;
  /** Values pseudonymised so far out of `total` (CPR columns × rows; 0 when unknown). */
  onProgress?: (done: number, total: number) => void;
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

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const INTEGER_TYPES =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;

export async function pseudonymiseFile(options: PseudonymiseFileOptions): Promise<PseudonymiseFileResult> {
  const inFormat = formatOf(options.input);
  const outFormat = formatOf(options.output);
  if (!inFormat)
    throw new PseudonymError('input_unreadable', `${options.input}: not a .parquet or .csv file`);
  if (!outFormat)
    throw new PseudonymError('output_unwritable', `${options.output}: not a .parquet or .csv file`);
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const tmp = join(
    dirname(options.output),
    `.${basename(options.output)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const map = new PseudonymMap(
    deriveSubKey(options.secret, 'person', options.keyVersion ?? CURRENT_KEY_VERSION),
  );
  try {
    const { relation, columns, types } = await openInput(db, options.input, inFormat, options.cprColumns);
    const missing = options.cprColumns.filter((c) => !columns.includes(c));
    if (missing.length > 0) {
      throw new PseudonymError('cpr_column_missing', `${options.input} has no column ${missing.join(', ')}`);
    }
    const total = (await countRows(db, relation, inFormat)) * options.cprColumns.length;
    let done = 0;
    await attachPseudonymFunction(db, 'klarsyn_person', map, (n) => {
      done += n;
      options.onProgress?.(done, total);
    });
    const select = columns.map((c, i) => {
      if (!options.cprColumns.includes(c)) return ident(c);
      // A CPR column read as a number has lost its leading zero.
      const text = INTEGER_TYPES.test(types[i] as string)
        ? `lpad(CAST(${ident(c)} AS VARCHAR), 10, '0')`
        : `CAST(${ident(c)} AS VARCHAR)`;
      return `klarsyn_person(${text}) AS ${ident(c)}`;
    });
    const format = outFormat === 'parquet' ? 'FORMAT parquet, COMPRESSION zstd' : 'FORMAT csv, HEADER true';
    let rows: number;
    try {
      const copied = await db.runAndReadAll(
        `COPY (SELECT ${select.join(', ')} FROM ${relation}) TO ${literal(tmp)} (${format})`,
      );
      rows = Number(copied.getRows()[0]?.[0] ?? 0);
    } catch (e) {
      if (e instanceof PseudonymError) throw e;
      const message = (e as Error).message;
      if (message.includes('same pseudonym'))
        throw new PseudonymError('pseudonym_collision', message, { cause: e });
      throw new PseudonymError(
        'input_unreadable',
        `cannot pseudonymise ${options.input}: ${firstLine(message)}`,
        {
          cause: e,
        },
      );
    }
    map.assertInjective();
    await rename(tmp, options.output);
    return { rows, columns, stats: map.stats() };
  } finally {
    map.destroy();
    db.closeSync();
    instance.closeSync();
    await rm(tmp, { force: true });
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
  const relation =
    format === 'parquet'
      ? `read_parquet(${literal(path)})`
      : `read_csv(${literal(path)}, header = true${cprColumns.length > 0 ? `, types = {${cprTypes}}` : ''})`;
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

async function countRows(db: DuckDBConnection, relation: string, format: FileFormat): Promise<number> {
  // Parquet knows its row count from the footer; counting a CSV would read it twice.
  if (format === 'csv') return 0;
  const result = await db.runAndReadAll(`SELECT count(*) AS n FROM ${relation}`);
  return Number(result.getRowObjectsJS()[0]?.n ?? 0);
}

function firstLine(message: string): string {
  return message.split('\n')[0] as string;
}
