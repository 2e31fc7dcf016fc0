/**
 * The sandbox researcher SQL runs in: an in-memory DuckDB whose only data are read-only views over
 * the extract's Parquet files. Before any researcher SQL, file access outside the extract directory,
 * extension loading and every configuration change are switched off, memory and threads are capped,
 * and each query is interrupted when it runs past its time.
 */
import {
  type DuckDBConnection,
  DuckDBDecimalValue,
  DuckDBInstance,
  type DuckDBValue,
} from '@duckdb/node-api';
import { ident, literal } from '../../duckdb-sql.js';
import type { LocalExtract } from './local-extract.js';

export interface SandboxLimits {
  /** DuckDB memory_limit, e.g. '1GB'. */
  memoryLimit: string;
  threads: number;
  /** Wall-clock time per query before it is interrupted. */
  timeoutMs: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { memoryLimit: '1GB', threads: 2, timeoutMs: 60_000 };

/** A result as text, the way a CSV holds it: null for SQL NULL; numbers flagged per cell. */
export interface QueryResult {
  columns: string[];
  rows: (string | null)[][];
  /** True where the cell is a number (integer, decimal or floating point). */
  numeric: boolean[][];
  /** True for FLOAT and DOUBLE columns, whose last digits depend on the order of summation. */
  floating?: boolean[];
}

export class QueryTimeout extends Error {
  override name = 'QueryTimeout';
}

function text(v: DuckDBValue): { value: string | null; numeric: boolean } {
  if (v === null || v === undefined) return { value: null, numeric: false };
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof DuckDBDecimalValue)
    return { value: String(v), numeric: true };
  return { value: String(v), numeric: false };
}

export class QuerySandbox {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
    readonly extract: LocalExtract,
    readonly limits: SandboxLimits,
    /** Names of DuckDB's aggregate functions, lowercase. */
    readonly aggregates: ReadonlySet<string>,
  ) {}

  static async open(extract: LocalExtract, limits: Partial<SandboxLimits> = {}): Promise<QuerySandbox> {
    const l = { ...DEFAULT_LIMITS, ...limits };
    const instance = await DuckDBInstance.create(':memory:', {
      threads: String(l.threads),
      memory_limit: l.memoryLimit,
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const db = await instance.connect();
    try {
      for (const t of extract.tables)
        await db.run(`CREATE VIEW ${ident(t.name)} AS SELECT * FROM read_parquet(${literal(t.file)})`);
      const reader = await db.runAndReadAll(
        "SELECT DISTINCT lower(function_name) AS f FROM duckdb_functions() WHERE function_type = 'aggregate'",
      );
      const aggregates = new Set(reader.getRows().map((r) => String(r[0])));
      // Views read their files when queried, so the extract directory stays readable; nothing else.
      await db.run(`SET allowed_directories = [${literal(`${extract.dir}/`)}]`);
      await db.run(`SET temp_directory = ''`);
      await db.run('SET enable_external_access = false');
      await db.run('SET allow_community_extensions = false');
      await db.run('SET lock_configuration = true');
      return new QuerySandbox(instance, db, extract, l, aggregates);
    } catch (e) {
      db.closeSync();
      instance.closeSync();
      throw e;
    }
  }

  /** Runs SQL the sandbox built or vetted; at most `maxRows` rows are read. */
  async run(sql: string, maxRows = Number.MAX_SAFE_INTEGER): Promise<QueryResult> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.db.interrupt();
    }, this.limits.timeoutMs);
    try {
      const reader = await this.db.runAndReadUntil(sql, maxRows);
      const columns = reader.columnNames();
      const rows: (string | null)[][] = [];
      const numeric: boolean[][] = [];
      for (const row of reader.getRows().slice(0, maxRows)) {
        const cells = row.map(text);
        rows.push(cells.map((c) => c.value));
        numeric.push(cells.map((c) => c.numeric));
      }
      const floating = reader.columnTypes().map((t) => ['DOUBLE', 'FLOAT'].includes(t.toString()));
      return { columns, rows, numeric, floating };
    } catch (e) {
      if (timedOut) throw new QueryTimeout(`interrupted after ${this.limits.timeoutMs} ms`, { cause: e });
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** DuckDB's parse tree of some SQL (`json_serialize_sql`): parsing only, nothing runs. */
  async parse(sql: string): Promise<unknown> {
    const reader = await this.db.runAndReadAll(`SELECT json_serialize_sql(${literal(sql)}) AS ast`);
    return JSON.parse(String(reader.getRows()[0]?.[0]));
  }

  /** SQL text of a parse tree (`json_deserialize_sql`). */
  async unparse(statement: unknown): Promise<string> {
    // Locations past 2^53 (DuckDB's "none") do not survive JavaScript numbers; they only serve messages.
    const ast = JSON.stringify({ error: false, statements: [statement] }, (key, value) =>
      key === 'query_location' && !Number.isSafeInteger(value) ? 0 : value,
    );
    const reader = await this.db.runAndReadAll(`SELECT json_deserialize_sql(${literal(ast)}::JSON) AS sql`);
    return String(reader.getRows()[0]?.[0]);
  }

  close(): void {
    this.db.closeSync();
    this.instance.closeSync();
  }
}
