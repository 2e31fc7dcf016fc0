/**
 * What researcher SQL may be, decided on DuckDB's own parse tree (never on the text): one SELECT
 * statement that reads only the extract's tables (and its own CTEs). Table functions (read_csv,
 * read_parquet, query, glob, duckdb_settings, …), qualified names (other catalogs, system views) and
 * file names used as tables are refused. The sandbox's locked configuration stops the same things
 * a second time.
 */
import { type AstNode, allNodes, cteNames, isNode, lower } from './ast.js';

interface Parsed {
  error?: boolean;
  error_type?: string;
  error_message?: string;
  statements?: unknown[];
}

export type Accepted =
  | { statement: AstNode; reasons?: undefined }
  | { statement?: undefined; reasons: string[] };

export function acceptSelect(parsed: unknown, tables: ReadonlySet<string>): Accepted {
  const p = (isNode(parsed) ? parsed : {}) as Parsed;
  if (p.error) {
    const notSelect = /only select statements/i.test(p.error_message ?? '');
    return {
      reasons: [
        notSelect
          ? 'it is not a SELECT (COPY, ATTACH, INSTALL, SET, PRAGMA, CREATE, … may not run): submit one SELECT'
          : `DuckDB cannot parse it: ${p.error_message ?? p.error_type}`,
      ],
    };
  }
  const statements = p.statements ?? [];
  if (statements.length !== 1 || !isNode(statements[0]))
    return { reasons: [`it holds ${statements.length} statements: submit exactly one SELECT`] };
  const statement = statements[0];
  const ctes = cteNames(statement);
  const reasons = new Set<string>();
  for (const n of allNodes(statement)) {
    if (n.type === 'TABLE_FUNCTION') {
      const fn = isNode(n.function) ? lower(n.function.function_name) : 'a table function';
      reasons.add(`it calls ${fn}(): only the extract's tables may be read, no table functions or files`);
    } else if (n.type === 'BASE_TABLE') {
      const name = lower(n.table_name);
      if (n.schema_name || n.catalog_name)
        reasons.add(
          `it reads ${[n.catalog_name, n.schema_name, n.table_name].filter(Boolean).join('.')}: only the extract's tables may be read`,
        );
      else if (!tables.has(name) && !ctes.has(name))
        reasons.add(
          `it reads ${String(n.table_name)}, which is not a table of the extract (${[...tables].join(', ')})`,
        );
    }
  }
  return reasons.size > 0 ? { reasons: [...reasons] } : { statement };
}
