import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { attachPseudonymFunction } from './duckdb-function.js';
import { PseudonymError } from './errors.js';
import { distinctValuesSql, pseudonymMapSql } from './map-sql.js';
import { PseudonymMap, type PseudonymStats } from './pseudonym-map.js';
import type { SecretKey } from './secret-key.js';
import { CURRENT_KEY_VERSION, deriveSubKey } from './subkeys.js';

/**
 * Pseudonymises the CPR columns of one Parquet or CSV file into another, the way the extract
 * engine does (a distinct-value map through the same DuckDB function, joined back): every CPR
 * column (pnr, mor_id, …) under the person key, every other column copied as it is, rows in
 * order. The output appears only complete and checked: it is written under a temporary name and
 * renamed once distinct CPRs and distinct pseudonyms agree.
 */

export type FileFormat = 'parquet' | 'csv';

export interface PseudonymiseFileOptions {
  secret: SecretKey;
  input: string;
  output: string;
  cprColumns: readonly string[];
  keyVersion?: string;
  /** The phase, and for `pseudonymising` the distinct CPR values done out of `total` (0 when unknown). */
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
  const progress = options.onProgress ?? (() => {});
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const tmp = join(
    dirname(options.output),
    `.${basename(options.output)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const personKey = deriveSubKey(options.secret, 'person', options.keyVersion ?? CURRENT_KEY_VERSION);
  let map: PseudonymMap | undefined;
  try {
    const { relation, columns, types } = await openInput(db, options.input, inFormat, options.cprColumns);
    const missing = options.cprColumns.filter((c) => !columns.includes(c));
    if (missing.length > 0) {
      throw new PseudonymError('cpr_column_missing', `${options.input} has no column ${missing.join(', ')}`);
    }
    // A CPR column read as a number has lost its leading zero.
    const key = (c: string, from: string) =>
      INTEGER_TYPES.test(types[columns.indexOf(c)] as string)
        ? `lpad(CAST(${from}${ident(c)} AS VARCHAR), 10, '0')`
        : `CAST(${from}${ident(c)} AS VARCHAR)`;
    const { rows, stats } = await withPseudonymErrors(options.input, async () => {
      // Each distinct CPR is pseudonymised once, into a map joined back to the rows: the keyed
      // hash runs per person, and DuckDB's threads do the per-row work without calling into JS.
      progress('finding distinct CPR numbers', 0, 0);
      await db.run(
        `CREATE TEMP TABLE cpr_values AS ${distinctValuesSql(
          options.cprColumns.map((c) => `SELECT ${key(c, '')} AS v FROM ${relation.plain}`),
        )}`,
      );
      const distinct = Number((await db.runAndReadAll('SELECT count(*) FROM cpr_values')).getRows()[0]?.[0]);
      map = new PseudonymMap(personKey, distinct, { distinct: true });
      let done = 0;
      await attachPseudonymFunction(db, 'klarsyn_person', map, (n) => {
        done += n;
        progress('pseudonymising', done, distinct);
      });
      await db.run(pseudonymMapSql('person_map', 'klarsyn_person', 'SELECT value FROM cpr_values'));
      progress('writing', 0, 0);
      const copied = await db.runAndReadAll(
        `COPY (${joinedBack(relation, columns, options.cprColumns, key)}) TO ${literal(tmp)} (${
          outFormat === 'parquet' ? 'FORMAT parquet, COMPRESSION zstd' : 'FORMAT csv, HEADER true'
        })`,
      );
      map.assertInjective();
      return { rows: Number(copied.getRows()[0]?.[0] ?? 0), stats: map.stats() };
    });
    await rename(tmp, options.output);
    return { rows, columns, stats };
  } finally {
    map?.destroy();
    personKey.key.destroy();
    db.closeSync();
    instance.closeSync();
    await rm(tmp, { force: true });
  }
}

/**
 * The input with each CPR column replaced by its pseudonym from `person_map`, in the input's row
 * order: a hash join gives rows in whatever order DuckDB's threads finish, so rows carry their
 * position and are sorted back.
 */
function joinedBack(
  relation: Relation,
  columns: readonly string[],
  cprColumns: readonly string[],
  key: (column: string, from: string) => string,
): string {
  const select = columns.map((c) => {
    const i = cprColumns.indexOf(c);
    return i < 0 ? `t.${ident(c)}` : `m${i}.pseudonym AS ${ident(c)}`;
  });
  const joins = cprColumns.map((c, i) => `LEFT JOIN person_map m${i} ON m${i}.value = ${key(c, 't.')}`);
  return `SELECT ${select.join(', ')} FROM ${relation.numbered} t ${joins.join(' ')} ORDER BY t.file_row_number`;
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

/** The input as DuckDB reads it; for Parquet also with each row's position (`file_row_number`). */
interface Relation {
  plain: string;
  numbered: string;
}

async function openInput(
  db: DuckDBConnection,
  path: string,
  format: FileFormat,
  cprColumns: readonly string[],
): Promise<{ relation: Relation; columns: string[]; types: string[] }> {
  // CSV CPR columns are read as text: type detection would turn 0101011234 into a number.
  const cprTypes = cprColumns.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ');
  const csv = `read_csv(${literal(path)}, header = true${cprColumns.length > 0 ? `, types = {${cprTypes}}` : ''})`;
  const relation =
    format === 'parquet'
      ? {
          plain: `read_parquet(${literal(path)})`,
          numbered: `read_parquet(${literal(path)}, file_row_number = true)`,
        }
      : {
          plain: csv,
          // A CSV has no row numbers; row_number() over the whole input streams in input order.
          numbered: `(SELECT *, row_number() OVER () AS file_row_number FROM ${csv})`,
        };
  try {
    const described = await db.runAndReadAll(`DESCRIBE SELECT * FROM ${relation.plain}`);
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
