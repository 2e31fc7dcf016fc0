/**
 * DuckDB SQL of a distinct-value pseudonym map, shared by the extract engine and the file
 * pseudonymiser: each distinct value goes through the keyed hash once, however many rows and
 * columns carry it, and the map is then joined back to the rows.
 */

/** The distinct non-null values of several one-column selects (each naming its column `v`). */
export function distinctValuesSql(selects: readonly string[]): string {
  return `SELECT DISTINCT v AS value FROM (${selects.join(' UNION ALL ')}) WHERE v IS NOT NULL`;
}

/** A temporary table `table (value, pseudonym)` over the rows of `valuesSql`, hashed by SQL function `fn`. */
export function pseudonymMapSql(table: string, fn: string, valuesSql: string): string {
  return `CREATE TEMP TABLE ${table} AS SELECT value, ${fn}(value) AS pseudonym FROM (${valuesSql})`;
}
