/**
 * Quoting for DuckDB SQL built from names and values the code has already checked: quoted anyway,
 * so nothing in a statement depends on that check alone.
 */
export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
