import {
  DATE,
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  INTEGER,
  VARCHAR,
} from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';

/**
 * Appends generated rows to a DuckDB table a chunk at a time by copying whole column buffers into
 * DuckDB's vectors, which is what makes tens of millions of synthetic rows take seconds: per-value
 * appends cross the JS/native boundary once per cell.
 *
 * Strings must be at most 12 bytes: those live inline in DuckDB's 16-byte string entries (length,
 * then the bytes), so they can be written as plain memory. Every synthetic code fits.
 */

export type ColumnType = 'varchar' | 'integer' | 'date' | 'double';

export interface ColumnSpec<N extends string = string> {
  name: N;
  type: ColumnType;
}

const DUCK_TYPES: Record<ColumnType, DuckDBType> = {
  varchar: VARCHAR,
  integer: INTEGER,
  date: DATE,
  double: DOUBLE,
};
const SQL_TYPES: Record<ColumnType, string> = {
  varchar: 'VARCHAR',
  integer: 'INTEGER',
  date: 'DATE',
  double: 'DOUBLE',
};
const WIDTH: Record<ColumnType, number> = { varchar: 16, integer: 4, date: 4, double: 8 };
export const MAX_INLINE = 12;

/** One column's values for the current chunk, plus its null mask. */
export class ColumnBuffer {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly validity: Uint8Array<ArrayBuffer>;
  hasNulls = false;

  constructor(
    readonly type: ColumnType,
    capacity: number,
  ) {
    this.bytes = new Uint8Array(capacity * WIDTH[type]);
    this.i32 = new Int32Array(this.bytes.buffer);
    this.f64 = type === 'double' ? new Float64Array(this.bytes.buffer) : new Float64Array(0);
    this.validity = new Uint8Array(Math.ceil(capacity / 64) * 8).fill(0xff);
  }

  /** An ASCII string of at most 12 characters. */
  setString(row: number, value: string): void {
    const at = row * 16;
    this.i32[row * 4] = value.length;
    for (let i = 0; i < MAX_INLINE; i++) this.bytes[at + 4 + i] = i < value.length ? value.charCodeAt(i) : 0;
  }

  setInt(row: number, value: number): void {
    this.i32[row] = value;
  }

  setDouble(row: number, value: number): void {
    this.f64[row] = value;
  }

  setNull(row: number): void {
    this.validity[row >> 3] = (this.validity[row >> 3] as number) & ~(1 << (row & 7));
    this.hasNulls = true;
  }

  reset(): void {
    if (!this.hasNulls) return;
    this.validity.fill(0xff);
    this.hasNulls = false;
  }
}

export class ColumnarWriter<N extends string = string> {
  readonly columns: ColumnBuffer[];
  /** The column buffers by column name. */
  readonly col: Record<N, ColumnBuffer>;
  readonly capacity = duckdb.vector_size();
  private rows = 0;
  total = 0;

  private constructor(
    private readonly appender: DuckDBAppender,
    readonly specs: ColumnSpec<N>[],
  ) {
    this.columns = specs.map((s) => new ColumnBuffer(s.type, this.capacity));
    this.col = Object.fromEntries(specs.map((s, i) => [s.name, this.columns[i]])) as Record<N, ColumnBuffer>;
  }

  static async create<N extends string>(
    connection: DuckDBConnection,
    table: string,
    specs: ColumnSpec<N>[],
  ): Promise<ColumnarWriter<N>> {
    const columns = specs.map((s) => `${s.name} ${SQL_TYPES[s.type]}`).join(', ');
    await connection.run(`CREATE OR REPLACE TABLE ${table} (${columns})`);
    return new ColumnarWriter(await connection.createAppender(table), specs);
  }

  /** The row index to fill in the column buffers; call `commitRow()` after filling it. */
  get row(): number {
    return this.rows;
  }

  commitRow(): void {
    if (++this.rows === this.capacity) this.flushChunk();
  }

  private flushChunk(): void {
    if (this.rows === 0) return;
    const chunk = duckdb.create_data_chunk(
      this.specs.map((s) => DUCK_TYPES[s.type].toLogicalType().logical_type),
    );
    this.columns.forEach((column, i) => {
      const vector = duckdb.data_chunk_get_vector(chunk, i);
      const width = WIDTH[column.type];
      duckdb.copy_data_to_vector(vector, 0, column.bytes.buffer, 0, this.rows * width);
      if (column.hasNulls) {
        duckdb.vector_ensure_validity_writable(vector);
        duckdb.copy_data_to_vector_validity(
          vector,
          0,
          column.validity.buffer,
          0,
          Math.ceil(this.rows / 64) * 8,
        );
      }
      column.reset();
    });
    duckdb.data_chunk_set_size(chunk, this.rows);
    this.appender.appendDataChunk(new DuckDBDataChunk(chunk));
    this.total += this.rows;
    this.rows = 0;
  }

  close(): void {
    this.flushChunk();
    this.appender.closeSync();
  }
}
