/**
 * DuckDB's parse tree as `json_serialize_sql` writes it: plain JSON objects. Expressions carry a
 * `class` (COLUMN_REF, FUNCTION, WINDOW, SUBQUERY, STAR, …), table references and query nodes a
 * `type` (BASE_TABLE, JOIN, SUBQUERY, TABLE_FUNCTION, SELECT_NODE, SET_OPERATION_NODE, …).
 */
export type AstNode = Record<string, unknown>;

export const isNode = (v: unknown): v is AstNode => typeof v === 'object' && v !== null && !Array.isArray(v);

export const nodeList = (v: unknown): AstNode[] => (Array.isArray(v) ? v.filter(isNode) : []);

/** Every object under `root`, itself included, depth first. */
export function* allNodes(root: unknown): Generator<AstNode> {
  if (Array.isArray(root)) {
    for (const item of root) yield* allNodes(item);
  } else if (isNode(root)) {
    yield root;
    for (const value of Object.values(root)) if (typeof value === 'object') yield* allNodes(value);
  }
}

/** Expressions under `expr`, not descending into subqueries (their own scope). */
export function* expressions(expr: unknown): Generator<AstNode> {
  for (const n of shallow(expr)) yield n;
}

function* shallow(v: unknown): Generator<AstNode> {
  if (Array.isArray(v)) {
    for (const item of v) yield* shallow(item);
    return;
  }
  if (!isNode(v)) return;
  if (typeof v.class === 'string') yield v;
  if (v.class === 'SUBQUERY') return;
  for (const value of Object.values(v)) if (typeof value === 'object') yield* shallow(value);
}

/** CTE names declared anywhere in the tree, lowercase. */
export function cteNames(root: unknown): Set<string> {
  const names = new Set<string>();
  for (const n of allNodes(root)) {
    const map = (n.cte_map as { map?: { key: string }[] } | undefined)?.map;
    if (Array.isArray(map)) for (const e of map) names.add(String(e.key).toLowerCase());
  }
  return names;
}

export const columnRef = (names: readonly string[]): AstNode => ({
  class: 'COLUMN_REF',
  type: 'COLUMN_REF',
  alias: '',
  query_location: 0,
  column_names: [...names],
});

export const aggregate = (
  name: string,
  children: AstNode[],
  options: { distinct?: boolean; alias?: string } = {},
): AstNode => ({
  class: 'FUNCTION',
  type: 'FUNCTION',
  alias: options.alias ?? '',
  query_location: 0,
  function_name: name,
  schema: '',
  children,
  filter: null,
  order_bys: { type: 'ORDER_MODIFIER', orders: [] },
  distinct: options.distinct ?? false,
  is_operator: false,
  export_state: false,
  catalog: '',
});

export const nullConstant = (alias: string): AstNode => ({
  class: 'CONSTANT',
  type: 'VALUE_CONSTANT',
  alias,
  query_location: 0,
  value: { type: { id: 'NULL', type_info: null }, is_null: true },
});

export const lower = (v: unknown): string => String(v ?? '').toLowerCase();
