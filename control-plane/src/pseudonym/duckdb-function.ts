import { type DuckDBConnection, DuckDBScalarFunction, UHUGEINT, VARCHAR } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import type { PseudonymMap } from './pseudonym-map.js';

/**
 * Makes a pseudonym map callable from SQL on one DuckDB connection, so the extract engine and the
 * file pseudonymiser pseudonymise inside DuckDB's own pipeline:
 *
 *   `<name>(value VARCHAR) → VARCHAR` 32 hex digits (a macro over the raw function)
 *   `<name>_raw(value VARCHAR) → UHUGEINT` the same 128 bits as an integer
 *
 * The raw function reads DuckDB's string vectors in place (strings up to 12 bytes are inline in
 * each 16-byte entry; a CPR number is 10 or 11) and writes 16 bytes per row in one copy, because
 * per-row calls across the JS/native boundary cost more than the hashing itself. DuckDB calls it
 * from its worker threads; the binding runs every call on the JS thread, so the map needs no lock.
 */

const ENTRY = 16;

export interface AttachedPseudonymFunction {
  /** The SQL name of the hex function. */
  readonly name: string;
  readonly map: PseudonymMap;
}

/** `onRows` hears how many values each chunk pseudonymised, for progress bars. */
export async function attachPseudonymFunction(
  connection: DuckDBConnection,
  name: string,
  map: PseudonymMap,
  onRows: (count: number) => void = () => {},
): Promise<AttachedPseudonymFunction> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new RangeError(`not a plain SQL identifier: ${name}`);
  const out = new Int32Array(duckdb.vector_size() * 4);
  const fn = DuckDBScalarFunction.create({
    name: `${name}_raw`,
    returnType: UHUGEINT,
    parameterTypes: [VARCHAR],
    mainFunction: () => {},
  });
  duckdb.scalar_function_set_function(fn.scalar_function, (info, input, output) => {
    try {
      onRows(pseudonymiseChunk(map, input, output, out));
    } catch (e) {
      duckdb.scalar_function_set_error(info, e instanceof Error ? e.message : String(e));
    }
  });
  connection.registerScalarFunction(fn);
  await connection.run(
    `CREATE OR REPLACE TEMP MACRO ${name}(v) AS lpad(lower(hex(${name}_raw(v))), 32, '0')`,
  );
  return { name, map };
}

function pseudonymiseChunk(
  map: PseudonymMap,
  input: duckdb.DataChunk,
  output: duckdb.Vector,
  out: Int32Array,
): number {
  const n = duckdb.data_chunk_get_size(input);
  if (n === 0) return 0;
  const vector = duckdb.data_chunk_get_vector(input, 0);
  const data = duckdb.vector_get_data(vector, n * ENTRY);
  const validity = duckdb.vector_get_validity(vector, Math.ceil(n / 64) * 8);
  const lengths = new Uint32Array(data.buffer, data.byteOffset, n * 4);
  const resolve = (i: number) =>
    duckdb.get_data_from_pointer(
      data.buffer as ArrayBuffer,
      data.byteOffset + i * ENTRY + 8,
      lengths[i * 4] as number,
    );
  map.pseudonymiseStrings(data, n, validity, resolve, out);
  duckdb.copy_data_to_vector(output, 0, out.buffer as ArrayBuffer, 0, n * ENTRY);
  if (validity !== null) {
    duckdb.vector_ensure_validity_writable(output);
    duckdb.copy_data_to_vector_validity(
      output,
      0,
      validity.buffer as ArrayBuffer,
      validity.byteOffset,
      validity.byteLength,
    );
  }
  return n;
}
